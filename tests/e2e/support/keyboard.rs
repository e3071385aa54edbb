//! The keyboard: keys pressed on whatever has the focus, and where the
//! focus is.

use serde_json::Value;
use thirtyfour::prelude::*;

use super::App;

impl App {
    /// Presses keys on whatever has the focus, as a keyboard does.
    pub async fn press(&self, keys: impl Into<thirtyfour::TypingData>) {
        // Key actions go to whatever has the focus, as a keyboard's do; an
        // element's send_keys would first move the focus to that element.
        self.driver
            .action_chain()
            .send_keys(keys)
            .perform()
            .await
            .expect("keys");
    }

    /// Ctrl + `key` on whatever has the focus (Ctrl+A selects a field's text).
    pub async fn press_ctrl(&self, key: char) {
        self.driver
            .action_chain()
            .key_down(Key::Control)
            .send_keys(key.to_string())
            .key_up(Key::Control)
            .perform()
            .await
            .expect("keys");
    }

    /// The id and text of the element that has the keyboard focus.
    pub async fn focused(&self) -> (String, String) {
        let ret = self
            .driver
            .execute(
                "const a = document.activeElement; return a ? [a.id || '', (a.innerText || a.value || '').trim()] : ['', ''];",
                Vec::new(),
            )
            .await
            .expect("script runs");
        let v = ret.json();
        (
            v[0].as_str().unwrap_or_default().to_owned(),
            v[1].as_str().unwrap_or_default().to_owned(),
        )
    }

    /// Where the keyboard focus is: tag, role, accessible label, id, text.
    pub async fn focus_info(&self) -> Value {
        self.driver
            .execute(
                "const a = document.activeElement; return a ? { tag: a.tagName, role: a.getAttribute('role'), label: a.getAttribute('aria-label'), id: a.id, text: a.textContent.trim() } : null;",
                Vec::new(),
            )
            .await
            .unwrap()
            .json()
            .clone()
    }

    /// Presses Tab until the element with `id` has the focus; fails after `max` presses.
    pub async fn tab_to(&self, id: &str, max: usize) {
        for _ in 0..max {
            if self.focused().await.0 == id {
                return;
            }
            self.press(Key::Tab).await;
        }
        assert_eq!(
            self.focused().await.0,
            id,
            "Tab did not reach #{id} in {max} presses"
        );
    }

    /// Presses Shift+Tab until the element with `id` has the focus.
    pub async fn tab_back_to(&self, id: &str, max: usize) {
        for _ in 0..max {
            if self.focused().await.0 == id {
                return;
            }
            self.press(Key::Shift + Key::Tab).await;
        }
        assert_eq!(
            self.focused().await.0,
            id,
            "Shift+Tab did not reach #{id} in {max} presses"
        );
    }
}
