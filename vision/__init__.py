"""In-cabinet camera recognition (YOLO, trained here on generated data): a later issue.

Kept as its own top-level package so the heavy ultralytics import never reaches the web app.
"""
