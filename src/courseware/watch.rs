//! Development reload: watch the content tree and call back (debounced) when a file changes.

use notify::{RecursiveMode, Watcher};
use std::path::Path;
use std::time::Duration;

/// Watches `root` recursively. `on_change` runs on a blocking thread, at most once per burst of
/// changes (after 250 ms of quiet). Keep the returned watcher alive for as long as you watch.
pub fn watch(
    root: &Path,
    on_change: impl Fn() + Send + Sync + 'static,
) -> notify::Result<notify::RecommendedWatcher> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res {
            if !event.kind.is_access() {
                let _ = tx.send(());
            }
        }
    })?;
    watcher.watch(root, RecursiveMode::Recursive)?;
    let on_change = std::sync::Arc::new(on_change);
    tokio::spawn(async move {
        while rx.recv().await.is_some() {
            // Debounce: wait for a quiet period, swallowing further events.
            loop {
                match tokio::time::timeout(Duration::from_millis(250), rx.recv()).await {
                    Ok(Some(())) => continue,
                    Ok(None) => return,
                    Err(_) => break,
                }
            }
            let f = on_change.clone();
            let _ = tokio::task::spawn_blocking(move || f()).await;
        }
    });
    Ok(watcher)
}
