"""Property-based fuzzing of the API against its own OpenAPI schema, over real HTTP on loopback.

schemathesis generates valid and invalid requests for every operation; the
service must never answer 5xx and every answer must match the schema.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import Service


@pytest.fixture(scope="module")
def fuzz_service(tmp_path_factory):
    svc = Service(tmp_path_factory.mktemp("fuzz-home"))
    yield svc
    svc.stop()


@pytest.fixture(scope="module")
def api_schema(fuzz_service):
    schema = schemathesis.openapi.from_url(fuzz_service.base + "/openapi.json")
    schema.config.base_url = fuzz_service.base
    schema.config.headers = {"X-Detector-Token": fuzz_service.token}
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_and_matches_its_schema(case, fuzz_service):
    response = case.call(headers={"X-Detector-Token": fuzz_service.token})
    assert response.status_code < 500, response.text
    case.validate_response(response)
