//! Changing function calls in flight in this process. Retell delivers a function again
//! when the first delivery is slow; the second must get the first one's answer, not act
//! again. Within one process the second delivery waits on the first directly (no polling
//! of the database); across processes the claim row in the database decides.

use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

type Answer = Option<Value>;

#[derive(Default)]
pub struct InFlight {
    calls: Mutex<HashMap<String, watch::Sender<Answer>>>,
}

/// What entering a call under a key found.
pub enum Entered {
    /// This delivery is the first here: it acts (or claims in the database) and must
    /// [`First::finish`] with its answer.
    First(First),
    /// Another delivery is on it: its answer arrives here (`None`: it gave up, try again).
    Second(watch::Receiver<Answer>),
}

/// The first delivery's handle; dropping it without an answer releases the waiters.
pub struct First {
    key: String,
    registry: Arc<InFlight>,
    answer: Answer,
}

impl InFlight {
    pub fn enter(self: &Arc<Self>, key: &str) -> Entered {
        let Ok(mut calls) = self.calls.lock() else {
            // A poisoned map only loses the in-process shortcut; the database still decides.
            return Entered::First(First {
                key: String::new(),
                registry: self.clone(),
                answer: None,
            });
        };
        if let Some(first) = calls.get(key) {
            return Entered::Second(first.subscribe());
        }
        calls.insert(key.to_owned(), watch::channel(None).0);
        Entered::First(First {
            key: key.to_owned(),
            registry: self.clone(),
            answer: None,
        })
    }
}

impl First {
    /// The answer every waiting delivery gets.
    pub fn finish(mut self, answer: &Value) {
        self.answer = Some(answer.clone());
    }
}

impl Drop for First {
    fn drop(&mut self) {
        let Ok(mut calls) = self.registry.calls.lock() else {
            return;
        };
        if let Some(sender) = calls.remove(&self.key) {
            let _ = sender.send(self.answer.take());
        }
    }
}

/// Waits for the first delivery's answer; `None` when it ended without one.
pub async fn answer_of(mut first: watch::Receiver<Answer>) -> Answer {
    if let Ok(answer) = first.wait_for(Option::is_some).await {
        return answer.clone();
    }
    // The first delivery ended: its last word, if it had one.
    first.borrow().clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_delivery_gets_the_first_ones_answer() {
        let registry = Arc::new(InFlight::default());
        let Entered::First(first) = registry.enter("call:book:abc") else {
            panic!("the first delivery is first");
        };
        let Entered::Second(waiting) = registry.enter("call:book:abc") else {
            panic!("the second waits");
        };
        let waiter = tokio::spawn(answer_of(waiting));
        first.finish(&serde_json::json!({ "ok": true }));
        assert_eq!(
            waiter.await.unwrap(),
            Some(serde_json::json!({ "ok": true }))
        );
        assert!(
            matches!(registry.enter("call:book:abc"), Entered::First(_)),
            "a later delivery starts anew"
        );
    }

    #[tokio::test]
    async fn a_first_delivery_that_fails_lets_the_second_try_itself() {
        let registry = Arc::new(InFlight::default());
        let first = registry.enter("k");
        let Entered::Second(waiting) = registry.enter("k") else {
            panic!("the second waits");
        };
        drop(first);
        assert_eq!(answer_of(waiting).await, None);
    }
}
