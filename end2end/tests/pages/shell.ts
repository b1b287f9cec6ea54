import { expect, type ConsoleMessage, type Locator, type Page } from '@playwright/test';
import { ADMIN_PASSWORD } from '../../global-setup';

/** The base URL of the server global-setup.ts started. */
export function baseUrl(): string {
  const url = process.env.TANDEM_E2E_URL;
  if (!url) throw new Error('TANDEM_E2E_URL is not set; global setup did not run');
  return url;
}

/** The app shell around every page: top bar, navigation, language switch. */
export class Shell {
  readonly consoleErrors: string[] = [];
  /** Paths the test visits knowing they answer 404. */
  readonly expectedMissing: string[] = [];

  constructor(readonly page: Page) {
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() !== 'error') return;
      // A page that answers 404 on purpose logs its own status; that is not an error of the app.
      const url = message.location().url;
      if (this.expectedMissing.some((path) => url.endsWith(path))) return;
      this.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => this.consoleErrors.push(String(error)));
  }

  /** Signs in through the login page and waits for the home page. */
  async signIn(email: string, password: string): Promise<void> {
    await this.open('/login');
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    // The app loads the next page in full once the session exists.
    await this.page.waitForURL((url) => !url.pathname.startsWith('/login'));
    await this.waitForHydration();
    await expect(this.page.getByTestId('logout')).toHaveCount(2);
  }

  async signInAsAdmin(): Promise<void> {
    await this.signIn('admin@localhost', ADMIN_PASSWORD);
  }

  async signOut(): Promise<void> {
    await this.logoutButton.click();
    await expect(this.page).toHaveURL(/\/login/);
    await this.waitForHydration();
  }

  /** Opens `path` and waits until the page is hydrated. */
  async open(path: string): Promise<void> {
    await this.page.goto(`${baseUrl()}${path}`);
    await this.waitForHydration();
  }

  /**
   * Waits until the browser has taken the page over. Chromium compiles the
   * debug bundle on a cold cache first; on a loaded 2-core CI machine that
   * took past the usual 10 s for the first pages of the run, so the wait
   * is longer than other expectations (a wait, not a speed check).
   */
  async waitForHydration(): Promise<void> {
    await expect(this.page.locator('html[data-hydrated="true"]')).toHaveCount(1, { timeout: 30_000 });
  }

  /** The sign-out button that is visible at this width (top bar or drawer). */
  get logoutButton(): Locator {
    return this.page.getByTestId('logout').filter({ visible: true });
  }

  get accountLink(): Locator {
    return this.page.getByTestId('account-link').filter({ visible: true });
  }

  get nav(): Locator {
    return this.page.locator('#side-nav');
  }

  get navToggle(): Locator {
    return this.page.getByTestId('nav-toggle');
  }

  get language(): Locator {
    return this.page.getByTestId('language');
  }

  navLink(name: string): Locator {
    return this.nav.getByRole('link', { name, exact: true });
  }

  async chooseLanguage(code: 'en' | 'zh'): Promise<void> {
    await this.language.selectOption(code);
  }
}
