"""What real Slack refuses in a message's blocks or a modal's view, for the fake Slack API.

Slack checks Block Kit before it posts anything: one field over its documented limit and the
whole call fails (``invalid_blocks`` for messages, ``invalid_arguments`` for views). The numbers
are typed here again on purpose, from Slack's Block Kit reference, rather than imported from
``guide.slack_limits``: a wrong limit there must make a test fail, not move the fake with it.

Each check returns the first problem as Slack words it (a message and a JSON pointer), or None;
``message_refusal`` and ``view_refusal`` wrap that in the answer Slack gives.
"""

from __future__ import annotations

from typing import Any

MESSAGE_TEXT = 40_000
MESSAGE_BLOCKS = 50
MODAL_BLOCKS = 100

Problem = str | None

# Real kinds the fake does not look inside: accepted as Slack would accept a valid one.
_OTHER_BLOCKS = {"image", "rich_text", "markdown", "file", "video"}
_OTHER_ELEMENTS = {
    "overflow",
    "datepicker",
    "timepicker",
    "datetimepicker",
    "checkboxes",
    "radio_buttons",
    "users_select",
    "conversations_select",
    "channels_select",
    "external_select",
    "multi_static_select",
    "multi_users_select",
    "email_text_input",
    "number_input",
    "url_text_input",
    "workflow_button",
}


def _too_long(value: Any, limit: int, where: str) -> Problem:
    if not isinstance(value, str):
        return f"must be a string [json-pointer:{where}]"
    if len(value) > limit:
        return f"must be less than {limit + 1} characters [json-pointer:{where}]"
    return None


def _text(obj: Any, limit: int, where: str, *, plain_only: bool = False) -> Problem:
    """A text object: plain_text or mrkdwn, 1 to ``limit`` characters."""
    if not isinstance(obj, dict):
        return f"must be a text object [json-pointer:{where}]"
    kinds = {"plain_text"} if plain_only else {"plain_text", "mrkdwn"}
    if obj.get("type") not in kinds:
        return f"must be one of {sorted(kinds)} [json-pointer:{where}/type]"
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return f"must be more than 0 characters [json-pointer:{where}/text]"
    return _too_long(text, limit, f"{where}/text")


def _first(*problems: Problem) -> Problem:
    return next((p for p in problems if p), None)


def _confirm(obj: Any, where: str) -> Problem:
    if obj is None:
        return None
    return _first(
        _text(obj.get("title"), 100, f"{where}/title", plain_only=True),
        _text(obj.get("text"), 300, f"{where}/text"),
        _text(obj.get("confirm"), 30, f"{where}/confirm", plain_only=True),
        _text(obj.get("deny"), 30, f"{where}/deny", plain_only=True),
    )


def _option(obj: Any, where: str) -> Problem:
    if not isinstance(obj, dict):
        return f"must be an option [json-pointer:{where}]"
    return _first(
        _text(obj.get("text"), 75, f"{where}/text", plain_only=True),
        _too_long(obj.get("value"), 150, f"{where}/value"),
    )


def _element(obj: Any, where: str) -> Problem:
    """An interactive element in an actions or input block (the kinds the guide uses)."""
    if not isinstance(obj, dict):
        return f"must be an element [json-pointer:{where}]"
    kind = obj.get("type")
    action_id = obj.get("action_id")
    problem = _too_long(action_id, 255, f"{where}/action_id") if action_id is not None else None
    if problem:
        return problem
    if kind == "button":
        value = obj.get("value")
        return _first(
            _text(obj.get("text"), 75, f"{where}/text", plain_only=True),
            _too_long(value, 2000, f"{where}/value") if value is not None else None,
            _confirm(obj.get("confirm"), f"{where}/confirm"),
        )
    if kind == "plain_text_input":
        most = obj.get("max_length", 3000)
        if not isinstance(most, int) or not 1 <= most <= 3000:
            return f"must be between 1 and 3000 [json-pointer:{where}/max_length]"
        return None
    if kind == "static_select":
        options = obj.get("options")
        if not isinstance(options, list) or not 1 <= len(options) <= 100:
            return f"must have between 1 and 100 items [json-pointer:{where}/options]"
        placeholder = obj.get("placeholder")
        return _first(
            _text(placeholder, 150, f"{where}/placeholder", plain_only=True)
            if placeholder is not None
            else None,
            *(_option(o, f"{where}/options/{i}") for i, o in enumerate(options)),
        )
    if kind in _OTHER_ELEMENTS:
        return None
    return f"unsupported type {kind!r} [json-pointer:{where}/type]"


def _block(block: Any, where: str) -> Problem:
    if not isinstance(block, dict):
        return f"must be a block [json-pointer:{where}]"
    block_id = block.get("block_id")
    if block_id is not None and (problem := _too_long(block_id, 255, f"{where}/block_id")):
        return problem
    kind = block.get("type")
    if kind == "section":
        fields = block.get("fields")
        if block.get("text") is None and not fields:
            return f"must provide text or fields [json-pointer:{where}]"
        if fields is not None and (not isinstance(fields, list) or len(fields) > 10):
            return f"must have at most 10 items [json-pointer:{where}/fields]"
        return _first(
            _text(block["text"], 3000, f"{where}/text") if block.get("text") is not None else None,
            *(_text(f, 2000, f"{where}/fields/{i}") for i, f in enumerate(fields or [])),
        )
    if kind == "header":
        return _text(block.get("text"), 150, f"{where}/text", plain_only=True)
    if kind == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
            return f"must have between 1 and 10 items [json-pointer:{where}/elements]"
        return _first(*(_text(e, 3000, f"{where}/elements/{i}") for i, e in enumerate(elements)))
    if kind == "actions":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= 25:
            return f"must have between 1 and 25 items [json-pointer:{where}/elements]"
        return _first(*(_element(e, f"{where}/elements/{i}") for i, e in enumerate(elements)))
    if kind == "input":
        hint = block.get("hint")
        return _first(
            _text(block.get("label"), 2000, f"{where}/label", plain_only=True),
            _text(hint, 2000, f"{where}/hint", plain_only=True) if hint is not None else None,
            _element(block.get("element"), f"{where}/element"),
        )
    if kind == "divider" or kind in _OTHER_BLOCKS:
        return None
    return f"unsupported type {kind!r} [json-pointer:{where}/type]"


def _blocks(blocks: Any, limit: int, where: str) -> Problem:
    if not isinstance(blocks, list):
        return f"must be an array [json-pointer:{where}]"
    if len(blocks) > limit:
        return f"must have at most {limit} items [json-pointer:{where}]"
    return _first(*(_block(b, f"{where}/{i}") for i, b in enumerate(blocks)))


def message_error(text: Any, blocks: Any) -> tuple[str, Problem] | None:
    """(Slack's error code, why) for a message Slack would refuse; None when it would post it.

    ``blocks`` is None when the call carried none."""
    if isinstance(text, str) and len(text) > MESSAGE_TEXT:
        return "msg_too_long", None
    if blocks is None:
        return None
    problem = _blocks(blocks, MESSAGE_BLOCKS, "/blocks")
    return ("invalid_blocks", problem) if problem else None


def view_error(view: Any) -> Problem:
    """Why Slack would refuse this modal view; None when it would open it."""
    if not isinstance(view, dict) or view.get("type") != "modal":
        return "must be a modal view [json-pointer:/view/type]"
    metadata = view.get("private_metadata")
    callback_id = view.get("callback_id")
    return _first(
        _text(view.get("title"), 24, "/view/title", plain_only=True),
        *(
            _text(view[key], 24, f"/view/{key}", plain_only=True)
            for key in ("submit", "close")
            if view.get(key) is not None
        ),
        _too_long(metadata, 3000, "/view/private_metadata") if metadata is not None else None,
        _too_long(callback_id, 255, "/view/callback_id") if callback_id is not None else None,
        _blocks(view.get("blocks"), MODAL_BLOCKS, "/view/blocks"),
    )


def home_view_error(view: Any) -> Problem:
    """Why Slack would refuse this App Home view (views.publish); None when it would show it."""
    if not isinstance(view, dict) or view.get("type") != "home":
        return "must be a home view [json-pointer:/view/type]"
    metadata = view.get("private_metadata")
    return _first(
        _too_long(metadata, 3000, "/view/private_metadata") if metadata is not None else None,
        _blocks(view.get("blocks"), MODAL_BLOCKS, "/view/blocks"),
    )


def _refusal(error: str, problem: Problem) -> dict[str, Any]:
    answer: dict[str, Any] = {"ok": False, "error": error}
    if problem:
        answer["response_metadata"] = {"messages": [f"[ERROR] {problem}"]}
    return answer


def message_refusal(text: Any, blocks: Any) -> dict[str, Any] | None:
    """Slack's answer to chat.postMessage / chat.update refusing this message, or None."""
    found = message_error(text, blocks)
    return _refusal(*found) if found else None


def view_refusal(view: Any) -> dict[str, Any] | None:
    """Slack's answer to views.open / views.update refusing this view, or None."""
    problem = view_error(view)
    return _refusal("invalid_arguments", problem) if problem else None


def home_view_refusal(view: Any) -> dict[str, Any] | None:
    """Slack's answer to views.publish refusing this Home view, or None."""
    problem = home_view_error(view)
    return _refusal("invalid_arguments", problem) if problem else None
