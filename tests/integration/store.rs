//! The store on a real SQLite database.

use levelfield::store::{connect, ModuleRecord};

fn rec(id: &str, title: &str) -> ModuleRecord {
    ModuleRecord {
        id: id.into(),
        slug: id.into(),
        title: title.into(),
        content_hash: "00".into(),
        present: true,
    }
}

#[tokio::test]
async fn module_registry_keeps_ids_of_removed_modules() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/nested/store.db", dir.path().display());
    let store = connect(&url).await.unwrap();
    store.ping().await.unwrap();
    store
        .sync_modules(&[rec("a", "A"), rec("b", "B")])
        .await
        .unwrap();
    store.sync_modules(&[rec("b", "B two")]).await.unwrap();
    let all = store.module_registry().await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!((all[0].id.as_str(), all[0].present), ("a", false));
    assert_eq!((all[1].title.as_str(), all[1].present), ("B two", true));
    drop(store);

    // Durable: a new connection (a restart) sees the same registry; migrations are idempotent.
    let again = connect(&url).await.unwrap();
    assert_eq!(again.module_registry().await.unwrap().len(), 2);
}

#[tokio::test]
async fn unknown_database_schemes_are_refused_clearly() {
    let err = connect("mysql://localhost/x").await.err().unwrap();
    assert!(
        err.to_string().contains("unsupported database URL"),
        "{err}"
    );
}
