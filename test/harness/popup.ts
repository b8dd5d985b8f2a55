import type { Page } from 'playwright-core';

/** Drives the popup page like a person: clicks buttons, reads what is shown. */
export class Popup {
  constructor(readonly page: Page) {}

  /**
   * Ends whatever session the popup re-attached to, as a person would: Cancel while it runs,
   * Start over once it has ended (it may end between the two looks).
   */
  async cancelRunningSession(): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      await this.page.locator('#send, #cancel, #start-over').first().waitFor({ timeout: 10_000 });
      if (await this.page.locator('#send').isVisible()) return;
      await this.page
        .locator('#cancel, #start-over')
        .first()
        .click({ timeout: 2_000 })
        .catch(() => undefined); // the button changed under us: look again
    }
    await this.page.locator('#send').waitFor({ timeout: 10_000 });
  }

  async send(): Promise<string> {
    await this.page.click('#send');
    const code = this.page.locator('#session-code');
    await code.waitFor({ timeout: 15_000 });
    return (await code.textContent())?.trim() ?? '';
  }

  async receive(code: string): Promise<void> {
    await this.page.fill('#code', code);
    await this.page.click('#connect');
  }

  async waitForStep(step: string, timeout = 20_000): Promise<void> {
    await this.page.locator(`section[data-step="${step}"]`).waitFor({ timeout });
  }

  async errorCode(timeout = 20_000): Promise<string | null> {
    const error = this.page.locator('#session-error');
    await error.waitFor({ timeout });
    return error.getAttribute('data-code');
  }

  async errorText(): Promise<string> {
    return (await this.page.locator('#session-error').textContent()) ?? '';
  }

  /** The paired-device row for `name` on the home screen. */
  device(name: string) {
    return this.page.locator(`#devices li[data-device="${name}"]`);
  }

  async waitForDeviceOnline(name: string, timeout = 20_000): Promise<void> {
    await this.page
      .locator(`#devices li[data-device="${name}"][data-online="true"]`)
      .waitFor({ timeout });
  }

  async sendMessage(text: string): Promise<void> {
    await this.page.fill('#message', text);
    await this.page.click('#send-message');
  }

  async waitForPeerMessage(text: string, timeout = 10_000): Promise<void> {
    await this.page.locator('#chat li[data-from="peer"]', { hasText: text }).waitFor({ timeout });
  }
}
