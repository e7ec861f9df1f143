//! What the generated case tests (`build.rs`) have to agree with: the case folders on disk.

/// The case folders on disk with no generated test, and the generated tests whose folder is
/// gone, each as `group/case`.
pub fn unlisted(
    on_disk: &[(String, String)],
    listed: &[(&str, &str)],
) -> (Vec<String>, Vec<String>) {
    let listed: Vec<(String, String)> = listed
        .iter()
        .map(|(g, c)| (g.to_string(), c.to_string()))
        .collect();
    let name = |(g, c): &(String, String)| format!("{g}/{c}");
    let missing = on_disk
        .iter()
        .filter(|c| !listed.contains(c))
        .map(name)
        .collect();
    let gone = listed
        .iter()
        .filter(|c| !on_disk.contains(c))
        .map(name)
        .collect();
    (missing, gone)
}

/// The names of the sub-folders of `dir`, sorted.
pub fn subdirs(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
