"""Camera images for people: a door session's snapshots annotated for the withdrawal and
exception drawers (app/withdrawals/queries/snapshot_evidence.py), the person's own after image on
their phone, and a cabinet camera's latest snapshot with its slots' regions for the cabinet page —
each behind the same session cookie and permission as the page that shows it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.api.guard import principal_for, request_locale
from app.cabinets.services import camera_regions
from app.core.db import run_in_session
from app.core.errors import NotFoundError
from app.core.i18n import t
from app.withdrawals.queries.snapshot_evidence import annotated_snapshot

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
    return _jpeg_or_missing(request, image, cache="private, max-age=3600")


async def camera_view(request: Request) -> Response:
    """A cabinet camera's latest snapshot with its slots' regions drawn (the cabinet page)."""
    principal = await principal_for(request, "cabinet:read")
    if isinstance(principal, Response):
        return principal
    try:
        image = await run_in_session(
            camera_regions.camera_view,
            scope=principal.scope,
            cabinet_id=request.path_params["cabinet_id"],
            camera=request.path_params["camera"],
        )
    except NotFoundError:
        image = None
    return _jpeg_or_missing(request, image, cache="no-store")


def _jpeg_or_missing(request: Request, image: bytes | None, *, cache: str) -> Response:
    if image is None:
        key = "evidence.snapshot_missing"
        message = t(key, request_locale(request))
        return JSONResponse({"error": key, "message": message}, status_code=404)
    return Response(image, media_type="image/jpeg", headers={"Cache-Control": cache})


IMAGE = "/doors/{door_id:int}/snapshots/{snapshot:str}.jpg"
routes = [
    Route(f"/api{IMAGE}", snapshot, methods=["GET"]),
    Route(f"/api/me{IMAGE}", own_snapshot, methods=["GET"]),
    Route("/api/cabinets/{cabinet_id:int}/cameras/{camera:str}.jpg", camera_view, methods=["GET"]),
]
