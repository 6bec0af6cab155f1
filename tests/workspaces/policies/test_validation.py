"""A policy document is refused with the place of each error."""

import json

import pytest

from workspaces.iam.services.policies import SEED_POLICY_DOCUMENT, PolicyDocumentError, policy_validate


def problems(document) -> list[str]:
    with pytest.raises(PolicyDocumentError) as error:
        policy_validate(document)
    return error.value.messages


def statement(**fields):
    base = {"Effect": "Allow", "Action": "eventbridge:ListRules", "Resource": "*"}
    base.update(fields)
    return {key: value for key, value in base.items() if value is not None}


def test_the_seed_policy_is_valid():
    assert policy_validate(SEED_POLICY_DOCUMENT) == SEED_POLICY_DOCUMENT


def test_the_json_text_of_a_policy_is_accepted_and_parsed():
    assert policy_validate(json.dumps(SEED_POLICY_DOCUMENT, indent=2)) == SEED_POLICY_DOCUMENT


def test_malformed_json_is_refused_with_line_and_column():
    text = '{\n  "Version": "1",\n  "Statement": [\n    {"Effect": "Allow" "Action": "*"}\n  ]\n}'
    with pytest.raises(PolicyDocumentError) as error:
        policy_validate(text)
    problem = error.value.problems[0]
    assert (problem.line, problem.column) == (4, 24)
    assert error.value.messages == ["line 4, column 24: malformed JSON: Expecting ',' delimiter"]


def test_an_unknown_effect_is_refused_at_its_statement():
    assert problems({"Version": "1", "Statement": [statement(Effect="Permit")]}) == [
        'Statement[0].Effect: must be "Allow" or "Deny"'
    ]


def test_an_unknown_action_is_refused_at_its_index():
    document = {"Version": "1", "Statement": [
        statement(),
        statement(Action=["eventbridge:CreateRule", "eventbridge:ListRules", "eventbridge:CreateRulez"]),
    ]}
    assert problems(document) == ['Statement[1].Action[2]: unknown action "eventbridge:CreateRulez"']


def test_a_wildcard_must_match_at_least_one_known_action():
    assert problems({"Version": "1", "Statement": [statement(Action="eventbridge:Frobnicate*")]}) == [
        'Statement[0].Action: unknown action "eventbridge:Frobnicate*"'
    ]
    assert policy_validate({"Version": "1", "Statement": [statement(Action=["eventbridge:Get*", "*"])]})


def test_an_action_without_a_service_is_refused():
    assert problems({"Version": "1", "Statement": [statement(Action=["CreateRule"])]}) == [
        'Statement[0].Action[0]: "CreateRule" is not an action: write "<service>:<Action>" or "*"'
    ]


def test_resources_must_be_arns_or_a_star():
    document = {"Version": "1", "Statement": [statement(Resource=["acs:eventbridge:*:*:eventbus/*", "eventbus/*",
                                                                  "acs:eventbridge"])]}
    found = problems(document)
    assert [message.split(":")[0] for message in found] == ["Statement[0].Resource[1]", "Statement[0].Resource[2]"]
    assert 'must be "*" or an ARN' in found[0]


def test_the_version_must_be_one():
    assert problems({"Version": "2", "Statement": [statement()]}) == ['Version: must be "1"']
    assert problems({"Statement": [statement()]}) == ['Version: required, must be "1"']


def test_missing_or_empty_statements_are_refused():
    assert problems({"Version": "1"}) == ["Statement: required: a list of statements"]
    assert problems({"Version": "1", "Statement": []}) == ["Statement: must be a non-empty list of statements"]
    assert problems({"Version": "1", "Statement": {"Effect": "Allow"}}) == [
        "Statement: must be a non-empty list of statements"
    ]


def test_missing_elements_of_a_statement_are_named():
    assert problems({"Version": "1", "Statement": [{"Effect": "Deny"}]}) == [
        "Statement[0].Action: required", "Statement[0].Resource: required"
    ]


def test_unsupported_elements_are_refused_by_name():
    assert problems({"Version": "1", "Statement": [statement(Condition={})], "Id": "x"}) == [
        'Id: unknown element: a policy has "Version" and "Statement"',
        "Statement[0].Condition: not supported: use Effect, Action and Resource",
    ]


def test_a_document_that_is_not_an_object_is_refused():
    assert problems("[1, 2]") == ['Document: must be a JSON object with "Version" and "Statement"']


def test_every_error_is_reported_at_once():
    document = {"Version": "1", "Statement": [statement(Effect="allow"), statement(Action=[3], Resource="x")]}
    assert [message.split(":")[0] for message in problems(document)] == [
        "Statement[0].Effect", "Statement[1].Action[0]", "Statement[1].Resource"
    ]


def test_an_oversized_document_is_refused_with_the_limit():
    document = {"Version": "1", "Statement": [statement(Resource=[f"acs:eventbridge:*:*:eventbus/{'x' * 60}-{i}"
                                                                  for i in range(100)])]}
    assert problems(document)[0].startswith("Document: at most 6144 characters, got ")


def test_a_document_with_a_nul_character_is_refused_before_postgresql_sees_it():
    import pytest as _pytest

    from workspaces.iam.services.policies import PolicyDocumentError, policy_validate

    document = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "eventbridge:GetRule",
                                               "Resource": "acs:eventbridge:*:*:eventbus/a\x00b"}]}
    with _pytest.raises(PolicyDocumentError, match="NUL"):
        policy_validate(document)
