"""The template language: ${variable} and $$, nothing else; every problem names its line."""

from notifications.catalog import event_variables
from notifications.channels.markup import markdown_escape
from notifications.channels.templating import (
    MAX_VALUE_CHARS,
    template_check,
    template_render,
    template_variables,
)

KNOWN = {"resource.name", "workspace.name", "console.link"}


def test_variables_are_filled_in_and_double_dollars_are_dollar_signs():
    text = template_render("Job ${resource.name} in ${ workspace.name } costs $$5", {"resource.name": "train",
                                                                                  "workspace.name": "ws"})
    assert text == "Job train in ws costs $5"


def test_values_are_escaped_for_the_channel_but_the_template_text_is_not():
    text = template_render("**${resource.name}**", {"resource.name": "[click](http://evil) *x*"},
                           escape=markdown_escape)
    assert text == "**[click\\](http://evil) \\*x\\***"


def test_links_get_their_own_escape_and_are_not_clipped():
    long_link = "https://console.example.com/" + "a" * 400
    text = template_render("[open](${console.link}) ${resource.name}", {"console.link": long_link,
                                                                        "resource.name": "n" * 500},
                           escape=str, escape_link=lambda url: url.replace(")", "%29"), link_names={"console.link"})
    assert f"({long_link})" in text
    assert text.endswith("n" * (MAX_VALUE_CHARS - 1) + "…")


def test_the_output_is_bounded():
    text = template_render("${resource.name}" * 100, {"resource.name": "x" * 300}, max_chars=1000)
    assert len(text) == 1000 and text.endswith("…")


def test_an_unknown_variable_is_named_with_its_line():
    [problem] = template_check("Hello\nJob ${job.nope} failed", KNOWN, max_chars=4000)
    assert (problem.line, problem.name) == (2, "job.nope")
    assert str(problem) == "Line 2: unknown variable ${job.nope}."


def test_attribute_access_beyond_the_event_data_and_code_are_refused():
    problems = template_check("${resource.name.__class__}\n${ __import__('os') }\n${resource.name}",
                              KNOWN, max_chars=4000)
    assert [p.line for p in problems] == [1, 2]
    assert str(problems[0]).startswith("Line 1: “${resource.name.__class__}” is not a variable name")
    assert "is not a variable name" in str(problems[1])
    assert template_check("${resource.name.upper}", KNOWN, max_chars=99)[0].name == "resource.name.upper"


def test_an_unclosed_placeholder_is_a_problem_of_its_line():
    [problem] = template_check("ok\n\n${resource.name\n}", KNOWN, max_chars=4000)
    assert problem.line == 3 and "not closed" in problem.message


def test_too_long_templates_and_control_characters_are_problems():
    problems = template_check("a" * 11 + "\n\x07", KNOWN, max_chars=10)
    assert [str(p) for p in problems] == ["Line 1: The template has 13 characters; the limit is 10.",
                                          "Line 2: contains control characters."]


def test_every_variable_of_every_event_type_has_a_description_and_an_example():
    from notifications.catalog import EVENT_TYPES_BY_KEY

    for event_type in EVENT_TYPES_BY_KEY:
        variables = event_variables(event_type)
        assert {"resource.name", "workspace.name", "status.old", "status.new", "operator", "console.link"} <= {
            v.name for v in variables}
        assert all(v.description and v.example for v in variables), event_type
    model_variables = {v.name for v in event_variables("pai:ModelManagement:ModelVersionApproved")}
    assert {"model.name", "model.version"} <= model_variables
    assert "failure.reason" in {v.name for v in event_variables("pai:DLC:JobFailed")}
    assert "model.name" not in {v.name for v in event_variables("pai:DLC:JobFailed")}


def test_the_names_a_template_uses_are_listed_once_each():
    assert template_variables("${a.b} ${c} $${x} ${a.b}") == ["a.b", "c"]
