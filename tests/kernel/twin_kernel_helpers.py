"""Helpers for tests that talk to the twingrad kernel over jupyter_client."""
MIME = "application/vnd.twingrad.comparison+json"


def execute(kc, code, timeout=180):
    """Run a cell; return (execute_reply content, [iopub messages of that cell])."""
    msg_id = kc.execute(code)
    messages = []
    while True:
        message = kc.get_iopub_msg(timeout=timeout)
        if message["parent_header"].get("msg_id") != msg_id:
            continue
        if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
            break
        messages.append(message)
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"], messages


def comparison(messages):
    """The one comparison payload of a cell (asserting there is exactly one display_data)."""
    displays = [m for m in messages if m["msg_type"] == "display_data"]
    assert len(displays) == 1, [m["msg_type"] for m in messages]
    data = displays[0]["content"]["data"]
    assert {"text/plain", "text/html", MIME} <= set(data)
    return data[MIME]


def streams(messages, name):
    return "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream" and m["content"]["name"] == name)


def rows(payload):
    return {row["name"]: row for row in payload["rows"]}
