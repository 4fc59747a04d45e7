//! The reload channel's fan-out: every open page holds a server-sent-events connection,
//! and the rebuild thread hands each message to all of them. A subscriber whose page went
//! away is dropped the next time a message is sent.

use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Mutex;

/// Subscribers of the reload channel.
#[derive(Default)]
pub struct Hub {
    subscribers: Mutex<Vec<Sender<String>>>,
}

impl Hub {
    /// A new subscriber's receiving end.
    pub fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = channel();
        self.lock().push(tx);
        rx
    }

    /// Sends `message` to every live subscriber; returns how many got it.
    pub fn broadcast(&self, message: &str) -> usize {
        let mut subs = self.lock();
        subs.retain(|s| s.send(message.to_string()).is_ok());
        subs.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Sender<String>>> {
        // A panic while holding the lock cannot leave the list inconsistent.
        self.subscribers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcast_reaches_live_subscribers_and_drops_gone_ones() {
        let hub = Hub::default();
        let a = hub.subscribe();
        let b = hub.subscribe();
        assert_eq!(hub.broadcast("one"), 2);
        drop(b);
        assert_eq!(hub.broadcast("two"), 1);
        assert_eq!(a.try_recv().as_deref(), Ok("one"));
        assert_eq!(a.try_recv().as_deref(), Ok("two"));
    }
}
