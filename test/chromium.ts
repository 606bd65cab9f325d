/**
 * Finds the Chromium the browser tests drive, or says how to get one. The search is a pure
 * function of what the machine looks like (`Machine`, passed in), so it is tested without
 * touching the real file system; `localMachine()` is the real one.
 *
 * Order: the `CHROMIUM_PATH` variable (which must then exist), a system Chromium or Chrome on
 * `PATH` or at its usual place (Debian/Ubuntu, macOS app bundles), Playwright's own browser
 * cache; and when none exists, on Debian or Ubuntu with root or passwordless sudo, Debian's
 * `chromium` package installed with apt-get. Otherwise one line naming the command to run.
 */
import {execFileSync} from "node:child_process";
import {accessSync, constants, existsSync, readdirSync, readFileSync} from "node:fs";
import {homedir} from "node:os";
import {delimiter, join} from "node:path";

/** What the search looks at. */
export interface Machine {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  home: string;
  /** Whether `path` is an executable file. */
  executable: (path: string) => boolean;
  /** Entries of a folder (empty when it does not exist). */
  list: (dir: string) => string[];
  /** Content of /etc/os-release, or null. */
  osRelease: string | null;
  /** Whether the process runs as root. */
  root: boolean;
  /** Whether `sudo -n true` succeeds (asked only when needed). */
  passwordlessSudo: () => boolean;
}

/** The outcome of the search. */
export type BrowserPlan =
  | {kind: "found"; path: string; source: string}
  | {kind: "install"; commands: string[][]; shown: string}
  | {kind: "fail"; message: string};

/** The apt command a user runs to get Debian's Chromium. */
export const APT_INSTALL = "apt-get update && apt-get install -y chromium";

/** Executable names of a system Chromium or Chrome, looked up on PATH. */
const SYSTEM_NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];

/** Fixed places of a system browser, for when PATH does not list them. */
const SYSTEM_PATHS: Partial<Record<NodeJS.Platform, string[]>> = {
  linux: ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium", "/usr/bin/google-chrome", "/opt/google/chrome/chrome"],
  darwin: [
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing"
  ]
};

/** Where Playwright keeps its browsers (`PLAYWRIGHT_BROWSERS_PATH` or the per-user cache). */
function playwrightCache(m: Machine): string {
  if (m.env.PLAYWRIGHT_BROWSERS_PATH && m.env.PLAYWRIGHT_BROWSERS_PATH !== "0") return m.env.PLAYWRIGHT_BROWSERS_PATH;
  if (m.platform === "darwin") return join(m.home, "Library", "Caches", "ms-playwright");
  return join(m.env.XDG_CACHE_HOME || join(m.home, ".cache"), "ms-playwright");
}

/** Executables inside Playwright's cache, newest revision first. */
function playwrightBrowsers(m: Machine): string[] {
  const cache = playwrightCache(m);
  const revision = (name: string) => Number(/-(\d+)$/.exec(name)?.[1] ?? 0);
  const inside: Record<string, string[]> = m.platform === "darwin"
    ? {chromium: ["chrome-mac/Chromium.app/Contents/MacOS/Chromium", "chrome-mac-arm64/Chromium.app/Contents/MacOS/Chromium"], chromium_headless_shell: ["chrome-mac/headless_shell", "chrome-mac-arm64/headless_shell"]}
    : {chromium: ["chrome-linux/chrome", "chrome-linux64/chrome"], chromium_headless_shell: ["chrome-linux/headless_shell", "chrome-linux64/chrome-headless-shell"]};
  const found: string[] = [];
  for (const [prefix, files] of Object.entries(inside)) {
    const revisions = m.list(cache).filter((d) => d.startsWith(`${prefix}-`)).sort((a, b) => revision(b) - revision(a));
    for (const dir of revisions) for (const file of files) found.push(join(cache, dir, file));
  }
  return found;
}

/** Whether /etc/os-release describes Debian or a derivative (Ubuntu). */
export function debianLike(osRelease: string | null): boolean {
  if (!osRelease) return false;
  const field = (name: string) => new RegExp(`^${name}="?([^"\\n]*)"?$`, "m").exec(osRelease)?.[1] ?? "";
  return `${field("ID")} ${field("ID_LIKE")}`.split(/\s+/).some((id) => id === "debian" || id === "ubuntu");
}

/** Decides which browser to use, or how to get one. */
export function planBrowser(m: Machine): BrowserPlan {
  const named = m.env.CHROMIUM_PATH;
  if (named) {
    if (m.executable(named)) return {kind: "found", path: named, source: "CHROMIUM_PATH"};
    return {kind: "fail", message: `CHROMIUM_PATH=${named} is not an executable file: point CHROMIUM_PATH at a Chromium or Chrome executable, or unset it to use the system's browser`};
  }
  const onPath = (m.env.PATH ?? "").split(delimiter).filter(Boolean).flatMap((dir) => SYSTEM_NAMES.map((name) => join(dir, name)));
  for (const path of [...onPath, ...(SYSTEM_PATHS[m.platform] ?? [])]) if (m.executable(path)) return {kind: "found", path, source: "system"};
  for (const path of playwrightBrowsers(m)) if (m.executable(path)) return {kind: "found", path, source: "Playwright's browser cache"};
  if (m.platform === "linux" && debianLike(m.osRelease)) {
    const sudo = m.root ? [] : m.passwordlessSudo() ? ["sudo", "-n"] : null;
    if (sudo) {
      return {
        kind: "install",
        commands: [[...sudo, "apt-get", "update", "-q"], [...sudo, "apt-get", "install", "-y", "-q", "chromium"]],
        shown: `${sudo.length ? "sudo " : ""}apt-get update && ${sudo.length ? "sudo " : ""}apt-get install -y chromium`
      };
    }
    return {kind: "fail", message: `No Chromium found for the browser tests: run \`sudo apt-get update && sudo apt-get install -y chromium\` (or set CHROMIUM_PATH to a Chromium or Chrome executable), then npm test again`};
  }
  const how = m.platform === "darwin" ? "install Google Chrome or Chromium in /Applications" : "install Chromium or Chrome with your package manager";
  return {kind: "fail", message: `No Chromium found for the browser tests: ${how}, or set CHROMIUM_PATH to a Chromium or Chrome executable, then npm test again`};
}

/** The machine this process runs on. */
export function localMachine(env: Record<string, string | undefined> = process.env): Machine {
  return {
    env,
    platform: process.platform,
    home: homedir(),
    executable: (path) => {
      try {
        accessSync(path, constants.X_OK);
        return !readdirSafe(path);
      } catch {
        return false;
      }
    },
    list: (dir) => readdirSafe(dir) ?? [],
    osRelease: existsSync("/etc/os-release") ? readFileSync("/etc/os-release", "utf8") : null,
    root: process.getuid?.() === 0,
    passwordlessSudo: () => {
      try {
        execFileSync("sudo", ["-n", "true"], {stdio: "ignore", timeout: 5000});
        return true;
      } catch {
        return false;
      }
    }
  };
}

/** A folder's entries, or null when `path` is not a folder. */
function readdirSafe(path: string): string[] | null {
  try {
    return readdirSync(path);
  } catch {
    return null;
  }
}

/** The browser found on this machine without installing anything, or null. */
export function installedChromium(env: Record<string, string | undefined> = process.env): string | null {
  const plan = planBrowser({...localMachine(env), passwordlessSudo: () => false});
  return plan.kind === "found" ? plan.path : null;
}

/** Flags every launch uses: no sandbox (root in containers), no GPU, nothing that phones home. */
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
