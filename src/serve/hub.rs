//! The reload channel's fan-out: every open page holds a server-sent-events connection,
//! and the rebuild thread hands each message to all of them. A subscriber whose page went
//! away is dropped the next time a message is sent.
//!
//! At most `cap` subscribers are kept: a new one beyond that ends the oldest (its
//! receiver sees the channel close, and its connection ends), so streams held open by a
//! client that never lets go cannot take the connections pages need. A browser page whose
//! stream was ended reconnects by itself a second later (`retry:` in the stream).

use std::collections::VecDeque;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Mutex;

/// Subscribers of the reload channel, oldest first.
pub struct Hub {
    subscribers: Mutex<VecDeque<Sender<String>>>,
    cap: usize,
}

impl Hub {
    /// A hub that keeps at most `cap` subscribers.
    pub fn new(cap: usize) -> Hub {
        Hub {
            subscribers: Mutex::new(VecDeque::new()),
            cap: cap.max(1),
        }
    }

    /// A new subscriber's receiving end; the oldest subscribers beyond the cap are ended.
    pub fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = channel();
        let mut subs = self.lock();
        subs.push_back(tx);
        while subs.len() > self.cap {
            // Dropping the sender is what ends that stream.
            subs.pop_front();
        }
        rx
    }

    /// Sends `message` to every live subscriber; returns how many got it.
    pub fn broadcast(&self, message: &str) -> usize {
        let mut subs = self.lock();
        subs.retain(|s| s.send(message.to_string()).is_ok());
        subs.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Sender<String>>> {
        // A panic while holding the lock cannot leave the list inconsistent.
        self.subscribers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::TryRecvError;

    #[test]
    fn broadcast_reaches_live_subscribers_and_drops_gone_ones() {
        let hub = Hub::new(8);
        let a = hub.subscribe();
        let b = hub.subscribe();
        assert_eq!(hub.broadcast("one"), 2);
        drop(b);
        assert_eq!(hub.broadcast("two"), 1);
        assert_eq!(a.try_recv().as_deref(), Ok("one"));
        assert_eq!(a.try_recv().as_deref(), Ok("two"));
    }

    #[test]
    fn beyond_the_cap_the_oldest_subscriber_is_ended() {
        let hub = Hub::new(2);
        let first = hub.subscribe();
        let second = hub.subscribe();
        let third = hub.subscribe();
        assert_eq!(first.try_recv(), Err(TryRecvError::Disconnected));
        assert_eq!(hub.broadcast("x"), 2);
        assert_eq!(second.try_recv().as_deref(), Ok("x"));
        assert_eq!(third.try_recv().as_deref(), Ok("x"));
        let fourth = hub.subscribe();
        assert_eq!(second.try_recv(), Err(TryRecvError::Disconnected));
        assert_eq!(hub.broadcast("y"), 2);
        assert_eq!(fourth.try_recv().as_deref(), Ok("y"));
    }
}
