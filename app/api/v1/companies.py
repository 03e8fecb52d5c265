"""/companies: the companies a key reaches, by the code `?tenant=` names. Any valid key may ask
(no scope): a company's own key gets its own; a provider's key every company it serves today."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from app.api.v1.context import ApiCaller, caller, run
from app.tenants.queries import companies_in

router = APIRouter(tags=["companies"])


@router.get("/companies", summary="The companies this key reaches")
async def companies(request: Request, who: Annotated[ApiCaller, Depends(caller)]) -> dict:
    return {"data": await run(request, companies_in, scope=who.scope)}
