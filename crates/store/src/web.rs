//! The web dashboard's accounts: users, browser sessions, one-time sign-in links and
//! failed sign-ins (for the rate limit). Tokens are stored only as SHA-256 hashes.

use crate::{Db, StoreError, on_pool, on_tx};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub company_id: Option<String>,
    pub email: String,
    pub role: String,
    pub password_hash: Option<String>,
    pub created_at: i64,
    pub disabled_at: Option<i64>,
}

/// A live session with who it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    pub user_id: String,
    pub email: String,
    pub role: String,
    pub company_id: Option<String>,
    pub company_slug: Option<String>,
    pub csrf_token: String,
    pub expires_at: i64,
}

const USER_COLUMNS: &str = "id, company_id, email, role, password_hash, created_at, disabled_at";

/// Runs one write statement in its own transaction; the rows it touched.
macro_rules! write {
    ($db:expr, $sql:expr $(, $bind:expr)* $(,)?) => {{
        let mut tx = $db.begin_write().await?;
        let affected = on_tx!(&mut tx, |conn| sqlx::query($sql)
            $(.bind($bind))*
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
        tx.commit().await?;
        Ok::<u64, StoreError>(affected)
    }};
}

/// Adds a user; [`StoreError::Duplicate`] when the address is taken.
pub async fn insert_user(db: &Db, user: &UserRow) -> Result<(), StoreError> {
    write!(
        db,
        "INSERT INTO web_users (id, company_id, email, role, password_hash, created_at, disabled_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &user.id,
        &user.company_id,
        &user.email,
        &user.role,
        &user.password_hash,
        user.created_at,
        user.disabled_at,
    )
    .map(|_| ())
}

/// The user with this (lower-cased) address, enabled or not.
pub async fn user_by_email(db: &Db, email: &str) -> Result<Option<UserRow>, StoreError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM web_users WHERE email = $1");
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, UserRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(email)
    .fetch_optional(pool)
    .await)?)
}

/// A company's users (or, with `None`, the operators), by address.
pub async fn users_of(db: &Db, company_id: Option<&str>) -> Result<Vec<UserRow>, StoreError> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM web_users WHERE ($1 IS NULL AND company_id IS NULL) \
         OR company_id = $1 ORDER BY email"
    );
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, UserRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(company_id)
    .fetch_all(pool)
    .await)?)
}

/// Sets a user's password hash and signs them out everywhere; `false` when no such user.
pub async fn set_password(db: &Db, user_id: &str, hash: &str) -> Result<bool, StoreError> {
    let changed = write!(
        db,
        "UPDATE web_users SET password_hash = $1 WHERE id = $2",
        hash, user_id,
    )?;
    end_sessions_of(db, user_id).await?;
    Ok(changed == 1)
}

/// Disables a user and ends their sessions; `false` when no such user.
pub async fn disable_user(db: &Db, user_id: &str, now: i64) -> Result<bool, StoreError> {
    let changed = write!(
        db,
        "UPDATE web_users SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL",
        now, user_id,
    )?;
    end_sessions_of(db, user_id).await?;
    Ok(changed == 1)
}

async fn end_sessions_of(db: &Db, user_id: &str) -> Result<u64, StoreError> {
    write!(db, "DELETE FROM web_sessions WHERE user_id = $1", user_id,)
}

/// Opens a session for `user_id` until `expires_at`.
pub async fn insert_session(
    db: &Db,
    token_sha256: &str,
    user_id: &str,
    csrf_token: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), StoreError> {
    let sql = "INSERT INTO web_sessions (token_sha256, user_id, csrf_token, created_at, expires_at) \
               VALUES ($1, $2, $3, $4, $5)";
    write!(db, sql, token_sha256, user_id, csrf_token, now, expires_at,).map(|_| ())
}

/// The live session with this token hash, of an enabled user.
pub async fn session(
    db: &Db,
    token_sha256: &str,
    now: i64,
) -> Result<Option<SessionRow>, StoreError> {
    let sql = "SELECT s.user_id, u.email, u.role, u.company_id, c.slug AS company_slug, \
               s.csrf_token, s.expires_at FROM web_sessions s \
               JOIN web_users u ON u.id = s.user_id \
               LEFT JOIN companies c ON c.id = u.company_id \
               WHERE s.token_sha256 = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, SessionRow>(sql)
        .bind(token_sha256)
        .bind(now)
        .fetch_optional(pool)
        .await)?)
}

/// Ends one session (signing out) and any expired ones.
pub async fn end_session(db: &Db, token_sha256: &str, now: i64) -> Result<(), StoreError> {
    write!(
        db,
        "DELETE FROM web_sessions WHERE token_sha256 = $1 OR expires_at <= $2",
        token_sha256, now,
    )
    .map(|_| ())
}

/// Stores a one-time sign-in link for `user_id`.
pub async fn insert_link(
    db: &Db,
    token_sha256: &str,
    user_id: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), StoreError> {
    let sql = "INSERT INTO web_sign_in_links (token_sha256, user_id, created_at, expires_at) \
               VALUES ($1, $2, $3, $4)";
    write!(db, sql, token_sha256, user_id, now, expires_at,).map(|_| ())
}

/// Uses a sign-in link: the user it was for, once, while it is valid; `None` when it
/// is unknown, used or expired. One statement, so two clicks cannot both succeed.
pub async fn use_link(db: &Db, token_sha256: &str, now: i64) -> Result<Option<String>, StoreError> {
    let sql = "UPDATE web_sign_in_links SET used_at = $1 \
               WHERE token_sha256 = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id";
    let mut tx = db.begin_write().await?;
    let user: Option<(String,)> = on_tx!(&mut tx, |conn| sqlx::query_as(sql)
        .bind(now)
        .bind(token_sha256)
        .fetch_optional(conn)
        .await)?;
    tx.commit().await?;
    Ok(user.map(|(id,)| id))
}

/// Records a failed sign-in and forgets those older than a day.
pub async fn record_failure(
    db: &Db,
    id: &str,
    email: &str,
    client: &str,
    now: i64,
) -> Result<(), StoreError> {
    write!(
        db,
        "INSERT INTO web_sign_in_failures (id, email, client, at) VALUES ($1, $2, $3, $4)",
        id, email, client, now,
    )?;
    write!(
        db,
        "DELETE FROM web_sign_in_failures WHERE at < $1",
        now - 86_400_000,
    )
    .map(|_| ())
}

/// Failed sign-ins since `since`: for this address, and from this client.
pub async fn failures_since(
    db: &Db,
    email: &str,
    client: &str,
    since: i64,
) -> Result<(i64, i64), StoreError> {
    let sql = "SELECT \
               (SELECT COUNT(*) FROM web_sign_in_failures WHERE email = $1 AND at >= $3), \
               (SELECT COUNT(*) FROM web_sign_in_failures WHERE client = $2 AND at >= $3)";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, (i64, i64)>(sql)
        .bind(email)
        .bind(client)
        .bind(since)
        .fetch_one(pool)
        .await)?)
}

/// Forgets an address's failures after it signed in.
pub async fn clear_failures(db: &Db, email: &str) -> Result<(), StoreError> {
    write!(
        db,
        "DELETE FROM web_sign_in_failures WHERE email = $1",
        email,
    )
    .map(|_| ())
}
