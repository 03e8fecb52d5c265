"""A door session's camera snapshots, annotated (app/withdrawals/snapshot_evidence.py), for the
withdrawal and exception drawers: the same session cookie and permission as those pages."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.api.guard import principal_for, request_locale
from app.core.db import run_in_session
from app.core.errors import NotFoundError
from app.core.i18n import t
from app.withdrawals.snapshot_evidence import annotated_snapshot

PERMISSION = "withdrawal:read"


async def snapshot(request: Request) -> Response:
    return await _image(request, PERMISSION, own=False)


async def own_snapshot(request: Request) -> Response:
    """The person's own visit's after image, on their phone (cut to their slots)."""
    return await _image(request, "self:withdraw", own=True)


async def _image(request: Request, permission: str, *, own: bool) -> Response:
    principal = await principal_for(request, permission)
    if isinstance(principal, Response):
        return principal
    try:
        image = await run_in_session(
            annotated_snapshot,
            scope=principal.scope,
            door_id=request.path_params["door_id"],
            snapshot=request.path_params["snapshot"],
            account_id=principal.account_id if own else None,
        )
    except NotFoundError:
        image = None
    if image is None:
        key = "evidence.snapshot_missing"
        message = t(key, request_locale(request))
        return JSONResponse({"error": key, "message": message}, status_code=404)
    return Response(
        image, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"}
    )


routes = [
    Route("/api/doors/{door_id:int}/snapshots/{snapshot:str}.jpg", snapshot, methods=["GET"]),
    Route(
        "/api/me/doors/{door_id:int}/snapshots/{snapshot:str}.jpg", own_snapshot, methods=["GET"]
    ),
]
