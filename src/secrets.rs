//! The one vocabulary of secret-like names, used by every rule that asks "does this
//! name hold a secret?" (hard-coded secrets in Python, secrets logged, secrets baked into
//! an image): names are split into words (`apiKey`, `API_KEY`, `api-key` → `api`, `key`),
//! and a name holds a secret when a word or pair of words says so and the name is not
//! about a secret (`password_length`, `token_url`, `ENABLE_TOKEN_AUTH`).

/// The words of an identifier, lower-cased: `apiKey` and `API_KEY` are `api`, `key`.
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for ch in name.chars() {
        if ch == '_' || ch == '-' || ch == '.' || ch == ' ' {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if ch.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = ch.is_lowercase() || ch.is_ascii_digit();
        cur.extend(ch.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The words that make a name a secret's (`password`, `client_secret`, `authToken`).
pub const SECRET_WORDS: [&str; 10] = [
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "secret",
    "token",
    "apikey",
    "credential",
    "credentials",
    "privatekey",
];

/// Words that, last in a name, say it holds something about a secret rather than the
/// secret itself (`password_length`, `token_url`, `secret_name`).
const META_LAST: [&str; 88] = [
    "id",
    "ids",
    "url",
    "uri",
    "type",
    "types",
    "name",
    "names",
    "length",
    "len",
    "count",
    "expiry",
    "expires",
    "expiration",
    "ttl",
    "file",
    "path",
    "dir",
    "required",
    "enabled",
    "set",
    "valid",
    "hash",
    "hashed",
    "policy",
    "field",
    "fields",
    "header",
    "prefix",
    "endpoint",
    "reset",
    "changed",
    "present",
    "exists",
    "missing",
    "status",
    "format",
    "version",
    "label",
    "timeout",
    "age",
    "created",
    "updated",
    "at",
    "kind",
    "mode",
    "backend",
    "error",
    "errors",
    "class",
    "form",
    "validator",
    "usage",
    "limit",
    "env",
    "var",
    "key_name",
    "regex",
    "pattern",
    "template",
    "exp",
    "user",
    "username",
    "uuid",
    "charset",
    "chars",
    "alphabet",
    "size",
    "bytes",
    "bits",
    "algorithm",
    "lifetime",
    "host",
    "port",
    "method",
    "dummy",
    "seconds",
    "secs",
    "minutes",
    "hashers",
    "hasher",
    "manager",
    "provider",
    "location",
    "rotation",
    "parallelism",
    "keys",
    "data_keys",
];

const META_FIRST: [&str; 20] = [
    "is", "has", "num", "max", "min", "total", "use", "should", "can", "no", "must", "needs", "n",
    "allow", "enable", "enabled", "disable", "disabled", "require", "permit",
];

/// Whether an identifier or key names a secret (`password`, `api_key`, `authToken`,
/// `client_secret`), and not something about one (`password_length`, `token_url`,
/// `max_tokens`, `is_secret`).
pub fn is_secret_name(name: &str) -> bool {
    if !may_name_secret(name) {
        return false;
    }
    let w = words(name);
    let (Some(first), Some(last)) = (w.first(), w.last()) else {
        return false;
    };
    if META_FIRST.contains(&first.as_str()) || META_LAST.contains(&last.as_str()) {
        return false;
    }
    let pairs = w.windows(2).any(|p| is_key_pair(&p[0], &p[1]));
    if pairs {
        return true;
    }
    // A secret word that the word before it makes a description: `collection_by_token`
    // (a lookup), `sync_token` (a WebDAV/CalDAV or API sync state, not a credential).
    w.iter().enumerate().any(|(i, x)| {
        SECRET_WORDS.contains(&x.as_str())
            && !(i > 0 && matches!(w[i - 1].as_str(), "by" | "sync") && x == "token")
    })
}

/// Whether `name` has in it, in any case, a part of every word that can make it a
/// secret's name (`pass`word, `pwd`, `secret`, `token`, api`key`, `credential`): what
/// [`is_secret_name`] and [`is_secret_assignment`] accept always does. A name with other
/// than ASCII letters is always looked at in full (its lower case can differ).
fn may_name_secret(name: &str) -> bool {
    const PARTS: [&[u8]; 6] = [b"pass", b"pwd", b"secret", b"token", b"key", b"credential"];
    if !name.is_ascii() {
        return true;
    }
    let b = name.as_bytes();
    // Each part starts with one of `p`, `s`, `t`, `k`, `c`: other bytes start none.
    (0..b.len()).any(|i| {
        matches!(b[i] | 0x20, b'p' | b's' | b't' | b'k' | b'c')
            && PARTS
                .iter()
                .any(|p| b.len() - i >= p.len() && b[i..i + p.len()].eq_ignore_ascii_case(p))
    })
}

/// Two words that name a secret key together: `API_KEY`, `PRIVATE_KEY`, `MASTER_KEY`.
fn is_key_pair(first: &str, second: &str) -> bool {
    second == "key"
        && matches!(
            first,
            "api" | "private" | "access" | "secret" | "signing" | "auth" | "encryption" | "master"
        )
}

/// Whether an assigned name ends in a secret: `SECRET_KEY`, `DB_PASSWORD`,
/// `GITHUB_TOKEN`, `STRIPE_API_KEY`, `CLIENT_SECRET` (not `TOKEN_USER`, `SECRET_KEY_CHARSET`).
pub fn is_secret_assignment(name: &str) -> bool {
    if !may_name_secret(name) {
        return false;
    }
    let w = words(name);
    let Some(last) = w.last() else { return false };
    if w.first().is_some_and(|f| META_FIRST.contains(&f.as_str())) {
        return false;
    }
    let pair = w.len() >= 2 && is_key_pair(&w[w.len() - 2], last);
    pair || matches!(
        last.as_str(),
        "password" | "passwd" | "passphrase" | "pwd" | "secret" | "token" | "apikey"
    )
}

/// Whether a string looks like a placeholder rather than a real secret.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    v.len() < 4
        || v.contains(char::is_whitespace)
        || v.starts_with("${")
        || v.starts_with('<')
        || v.starts_with('{')
        || v.starts_with('%')
        || v.chars().all(|c| c == '*' || c == 'x' || c == 'X' || c == '.' || c == '-' || c == '#')
        || ["change", "replace", "your", "dummy", "example", "placeholder", "fake", "todo", "secret", "password", "xxx", "notset", "not-set", "none", "null"]
            .iter()
            .any(|p| lower.starts_with(p) || lower.ends_with(p) && lower.len() < 16)
        // an environment variable's name, not its value
        || (v.len() > 3 && v.chars().all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit()))
}

/// Switches about a secret, wherever they stand in the name (`ENABLE_TOKEN_AUTH`,
/// `SKIP_PASSWORD_CHECK`, `permit_create_token`).
const SWITCH_WORDS: [&str; 8] = [
    "enable", "enabled", "disable", "disabled", "permit", "skip", "allow", "require",
];

/// Whether an `ENV`/`ARG` name (or any configuration key) holds a secret: a secret word
/// anywhere, not last in a name about a secret, and no switch word.
pub fn is_secret_setting(name: &str) -> bool {
    let w = words(name);
    !w.iter().any(|x| SWITCH_WORDS.contains(&x.as_str())) && is_secret_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for yes in [
            "password",
            "DB_PASSWORD",
            "apiKey",
            "api_key",
            "client_secret",
            "authToken",
            "SECRET_KEY",
            "refresh_token",
            "user.password",
            "credentials",
            "sync_password",
        ] {
            assert!(is_secret_name(yes), "{yes}");
        }
        for no in [
            "password_length",
            "token_url",
            "max_tokens",
            "is_secret",
            "tokens",
            "tokenizer",
            "secret_name",
            "username",
            "PASSWORD_RESET_TIMEOUT",
            "token_type",
            "num_tokens",
            "sharing_collection_by_token",
            "old_sync_token",
            "syncToken",
        ] {
            assert!(!is_secret_name(no), "{no}");
        }
    }

    #[test]
    fn words_split_case_and_separators() {
        assert_eq!(words("apiKey"), ["api", "key"]);
        assert_eq!(words("API_KEY"), ["api", "key"]);
    }

    #[test]
    fn settings_about_secrets_are_not_secrets() {
        for yes in [
            "DB_PASSWORD",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "MASTER_KEY",
            "NPM_AUTH_KEY",
        ] {
            assert!(is_secret_setting(yes), "{yes}");
        }
        for no in [
            "PASSWORD_FILE",
            "TOKEN_TTL",
            "ENABLE_TOKEN_AUTH",
            "SKIP_PASSWORD_CHECK",
            "SECRET_KEY_PATH",
            "permit_create_token",
            "oauth2_token_data_keys",
        ] {
            assert!(!is_secret_setting(no), "{no}");
        }
    }
}
