"""Security events (sign-ins, failures, denials, account changes) as one-line log records.

Every value is JSON-quoted, so user-typed text can neither break the line (CR/LF) nor
pose as another field.
"""

from __future__ import annotations

import json
import logging

from flask import has_request_context, request

logger = logging.getLogger("tollgate.security")


def log_event(event: str, **fields: object) -> None:
    if has_request_context():
        fields.setdefault("ip", request.remote_addr)
    details = " ".join(
        f"{key}={json.dumps(str(value), ensure_ascii=False)}" for key, value in fields.items()
    )
    logger.info("%s %s", event, details)
