//! A short device name from a User-Agent ("Firefox on Linux"), for the session list. Pure.

/// The browser and system a User-Agent names, shortened; the start of the text when it names
/// neither, and "Unknown device" when there is none.
pub fn device_label(user_agent: Option<&str>) -> String {
    let Some(ua) = user_agent.map(str::trim).filter(|u| !u.is_empty()) else {
        return "Unknown device".to_string();
    };
    // Order matters: Edge and Opera say Chrome too, and Chrome says Safari.
    let browsers = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ];
    let systems = [
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("CrOS", "ChromeOS"),
        ("Windows", "Windows"),
        ("Macintosh", "macOS"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ];
    let find = |table: &[(&str, &'static str)]| {
        table
            .iter()
            .find(|(needle, _)| ua.contains(needle))
            .map(|(_, name)| *name)
    };
    match (find(&browsers), find(&systems)) {
        (Some(b), Some(s)) => format!("{b} on {s}"),
        (Some(b), None) => b.to_string(),
        (None, Some(s)) => format!("A browser on {s}"),
        (None, None) => {
            let short: String = ua.chars().take(40).collect();
            if short.len() < ua.len() {
                format!("{short}…")
            } else {
                short
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::device_label;

    #[test]
    fn common_browsers_are_named_shortly() {
        let cases = [
            ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Linux"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows"),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari on macOS"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0 Mobile/15E148 Safari/604.1", "Chrome on iPhone"),
            ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.6778.33 Safari/537.36", "Chrome on Linux"),
            ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36", "Chrome on Android"),
        ];
        for (ua, want) in cases {
            assert_eq!(device_label(Some(ua)), want, "{ua}");
        }
    }

    #[test]
    fn unknown_agents_are_cut_short() {
        assert_eq!(device_label(None), "Unknown device");
        assert_eq!(device_label(Some("  ")), "Unknown device");
        assert_eq!(device_label(Some("levelfield-test")), "levelfield-test");
        let long = "x".repeat(100);
        assert_eq!(device_label(Some(&long)).chars().count(), 41);
    }
}
