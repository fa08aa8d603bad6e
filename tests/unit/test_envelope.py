import json

from renderowl.api.app import json_path
from renderowl.api.envelope import error_response, from_error, ok
from renderowl.errors import ConflictError, NotFoundError, ValidationFailedError


def test_success_envelope_wraps_data_with_status() -> None:
    from pydantic import BaseModel

    class Thing(BaseModel):
        id: str

    response = ok(Thing(id="rnd_1"), status=202)
    assert response.status_code == 202
    assert response.body.model_dump(mode="json") == {"success": True, "data": {"id": "rnd_1"}}


def test_error_envelope_has_code_message_details() -> None:
    response = error_response(409, "CONFLICT", "busy", {"asset": "ast_1"})
    assert response.status_code == 409
    assert json.loads(response.body) == {
        "success": False,
        "error": {"code": "CONFLICT", "message": "busy", "details": {"asset": "ast_1"}},
    }


def test_domain_errors_map_to_their_status_and_stable_code() -> None:
    cases = [
        (NotFoundError("no render rnd_1"), 404, "NOT_FOUND"),
        (ConflictError("finished", code="RENDER_FINISHED"), 409, "RENDER_FINISHED"),
        (
            ValidationFailedError("bad", details=[{"path": "output.fps", "message": "must be > 0"}]),
            422,
            "VALIDATION_FAILED",
        ),
    ]
    for err, status, code in cases:
        response = from_error(err)
        body = json.loads(response.body)
        assert response.status_code == status
        assert body["success"] is False
        assert body["error"]["code"] == code
        assert body["error"]["message"] == err.message


def test_json_path_names_the_field_the_way_users_write_it() -> None:
    assert json_path(("body", "spec", "timeline", "tracks", 1, "clips", 0, "length")) == (
        "spec.timeline.tracks[1].clips[0].length"
    )
    assert json_path(("query", "limit")) == "query.limit"
    assert json_path(("body",)) == "body"
