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

#[test]
fn the_taplo_config_is_signed_and_maps_every_kind_to_its_schema() {
    let config = taplo_config();
    assert!(config.starts_with(files::TAPLO_SIGNATURE));
    let table: toml::Table = toml::from_str(&config).expect("valid TOML");
    let paths: Vec<&str> = table["rule"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["schema"]["path"].as_str().expect("a path"))
        .collect();
    let want: Vec<String> = FileKind::ALL
        .iter()
        .map(|k| format!("{DIR}/{}", k.file_name()))
        .collect();
    assert_eq!(paths, want);
}
