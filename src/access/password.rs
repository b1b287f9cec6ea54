//! Passwords: argon2id hashing with OWASP's parameters, verification that
//! costs the same for unknown accounts, the password policy, and generated
//! passwords. Hashing runs on a blocking thread, never on the async runtime.

use std::sync::OnceLock;

use argon2::{
    password_hash::{rand_core::OsRng, rand_core::RngCore, PasswordHash, SaltString},
    Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version,
};

use crate::{messages, Error, Result};

/// OWASP's recommended argon2id minimum: 19 MiB memory, 2 passes, 1 lane.
pub const MEMORY_KIB: u32 = 19 * 1024;
/// Iterations.
pub const ITERATIONS: u32 = 2;
/// Parallelism.
pub const LANES: u32 = 1;

/// The shortest password the policy accepts.
pub const MIN_LENGTH: usize = 10;

/// Passwords refused because attackers try them first (lower-cased).
const COMMON: &[&str] = &[
    "password",
    "password1",
    "password12",
    "password123",
    "password1234",
    "passw0rd123",
    "1234567890",
    "12345678910",
    "0123456789",
    "1111111111",
    "qwertyuiop",
    "qwerty1234",
    "qwerty12345",
    "1q2w3e4r5t",
    "1qaz2wsx3edc",
    "iloveyou12",
    "letmein123",
    "welcome123",
    "welcome1234",
    "admin12345",
    "administrator",
    "changeme123",
    "abcdefghij",
    "abc1234567",
    "football12",
    "baseball12",
    "sunshine12",
    "princess12",
    "dragon1234",
    "monkey1234",
    "trustno1234",
    "superman12",
    "whatever12",
    "starwars12",
    "zaq12wsxcde",
    "asdfghjkl1",
    "p@ssw0rd123",
    "tandem1234",
    "tandem12345",
    "secret1234",
];

fn argon2() -> Result<Argon2<'static>> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, None)
        .map_err(|err| Error::Internal(format!("argon2 parameters: {err}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes `password` with argon2id (blocking: call through [`hash`]).
fn hash_blocking(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()?
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| Error::Internal(format!("hashing failed: {err}")))
}

/// Hashes `password` on a blocking thread.
pub async fn hash(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|err| Error::Internal(format!("hashing task: {err}")))?
}

/// The outcome of checking a password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verified {
    /// Wrong password (or no such account).
    No,
    /// Right password, hashed with the current parameters.
    Yes,
    /// Right password, but hashed with old parameters: store a new hash.
    YesRehash,
}

fn verify_blocking(password: &str, stored: &str) -> Verified {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return Verified::No;
    };
    let Ok(hasher) = argon2() else {
        return Verified::No;
    };
    if hasher
        .verify_password(password.as_bytes(), &parsed)
        .is_err()
    {
        return Verified::No;
    }
    let current = parsed.algorithm.as_str() == "argon2id"
        && Params::try_from(&parsed).is_ok_and(|p| {
            p.m_cost() == MEMORY_KIB && p.t_cost() == ITERATIONS && p.p_cost() == LANES
        });
    if current {
        Verified::Yes
    } else {
        Verified::YesRehash
    }
}

/// A hash of a random password, verified against when the account is
/// unknown so that both cases cost the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking(&generate()).unwrap_or_default())
}

/// Checks `password` against `stored` (or against a dummy hash when there is
/// no account, so timing does not reveal which emails exist).
pub async fn verify(password: String, stored: Option<String>) -> Result<Verified> {
    tokio::task::spawn_blocking(move || match stored {
        Some(stored) => verify_blocking(&password, &stored),
        None => {
            verify_blocking(&password, dummy_hash());
            Verified::No
        }
    })
    .await
    .map_err(|err| Error::Internal(format!("verification task: {err}")))
}

/// Checks the password policy: at least [`MIN_LENGTH`] characters, not the
/// email (or its name part), not a common password. `field` names the form
/// field in the error.
pub fn check_policy(password: &str, email: &str, field: &str) -> Result<()> {
    let lower = password.trim().to_lowercase();
    let email = email.trim().to_lowercase();
    let local = email.split('@').next().unwrap_or_default();
    if password.chars().count() < MIN_LENGTH {
        return Err(Error::field(field, messages::PASSWORD_TOO_SHORT));
    }
    if password.chars().count() > 1024 {
        return Err(Error::field(field, messages::MAX_1024));
    }
    if lower == email || (!local.is_empty() && lower == local) {
        return Err(Error::field(field, messages::PASSWORD_IS_EMAIL));
    }
    if COMMON.contains(&lower.as_str()) {
        return Err(Error::field(field, messages::PASSWORD_COMMON));
    }
    Ok(())
}

/// A random 16-character password from letters and digits (no look-alikes).
pub fn generate() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut bytes = [0_u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_nothing_else() -> Result<()> {
        let hashed = hash("correct horse battery".into()).await?;
        assert!(hashed.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_eq!(
            verify("correct horse battery".into(), Some(hashed.clone())).await?,
            Verified::Yes
        );
        assert_eq!(
            verify("wrong horse battery".into(), Some(hashed)).await?,
            Verified::No
        );
        assert_eq!(verify("anything at all".into(), None).await?, Verified::No);
        Ok(())
    }

    #[tokio::test]
    async fn a_hash_with_weaker_parameters_asks_for_a_rehash() -> Result<()> {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 1, 1, None).map_err(|e| Error::Internal(e.to_string()))?,
        );
        let salt = SaltString::generate(&mut OsRng);
        let old = weak
            .hash_password(b"correct horse battery", &salt)
            .map_err(|e| Error::Internal(e.to_string()))?
            .to_string();
        assert_eq!(
            verify("correct horse battery".into(), Some(old)).await?,
            Verified::YesRehash
        );
        Ok(())
    }

    #[test]
    fn the_policy_refuses_short_email_and_common_passwords() {
        let email = "ann.lee@example.com";
        assert!(check_policy("short", email, "password").is_err());
        assert!(check_policy("ann.lee@example.com", email, "password").is_err());
        assert!(check_policy("Password123", email, "password").is_err());
        assert!(check_policy("1234567890", email, "password").is_err());
        assert!(check_policy("blue-kettle-sings", email, "password").is_ok());
    }

    #[test]
    fn generated_passwords_pass_the_policy_and_differ() {
        let a = generate();
        let b = generate();
        assert_eq!(a.len(), 16);
        assert_ne!(a, b);
        assert!(check_policy(&a, "x@example.com", "password").is_ok());
    }
}
