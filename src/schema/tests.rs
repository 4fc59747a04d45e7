use super::*;

#[test]
fn generic_part_schema_says_exactly_one_content_key() {
    let v = generic(FileKind::ReusableStep);
    let part = &v["properties"]["part"]["items"];
    assert_eq!(part["title"], "[[section.step.part]]");
    assert_eq!(part["additionalProperties"], false);
    assert_eq!(part["oneOf"].as_array().map(Vec::len), Some(7));
    assert_eq!(part["dependencies"]["cmd"], json!(["shell"]));
}

#[test]
fn spans_and_options_are_plain_values() {
    let v = generic(FileKind::Procedure);
    assert_eq!(v["properties"]["title"]["type"], "string");
    assert_eq!(v["properties"]["when"]["type"], "string", "no null in TOML");
    assert_eq!(v["required"], json!(["title"]));
}
