import {describe, expect, it} from "vitest";
import {debianLike, planBrowser, type Machine} from "./chromium.ts";

const DEBIAN = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n`;
const UBUNTU = `NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n`;

/** A machine with the given executables and folder listings, and no sudo unless said. */
function machine(over: Partial<Machine> & {files?: string[]; dirs?: Record<string, string[]>} = {}): Machine {
  const files = new Set(over.files ?? []);
  return {
    env: {PATH: "/usr/local/bin:/usr/bin"},
    platform: "linux",
    home: "/home/u",
    executable: (p) => files.has(p),
    list: (d) => over.dirs?.[d] ?? [],
    osRelease: DEBIAN,
    root: false,
    passwordlessSudo: () => false,
    ...over
  };
}

describe("finding a browser", () => {
  it("uses CHROMIUM_PATH when it names an executable, before any system browser", () => {
    expect(planBrowser(machine({env: {CHROMIUM_PATH: "/opt/c/chrome", PATH: "/usr/bin"}, files: ["/opt/c/chrome", "/usr/bin/chromium"]})))
      .toEqual({kind: "found", path: "/opt/c/chrome", source: "CHROMIUM_PATH"});
  });
  it("fails on a CHROMIUM_PATH that does not exist with one line naming the path and the fix, even when a system browser exists", () => {
    const plan = planBrowser(machine({env: {CHROMIUM_PATH: "/nope/chrome"}, files: ["/usr/bin/chromium"]}));
    expect(plan).toEqual({kind: "fail", message: "CHROMIUM_PATH=/nope/chrome is not an executable file: point CHROMIUM_PATH at a Chromium or Chrome executable, or unset it to use the system's browser"});
  });
  it("finds Debian's chromium, Ubuntu's chromium-browser and google-chrome on PATH, in that order", () => {
    expect(planBrowser(machine({files: ["/usr/bin/google-chrome", "/usr/local/bin/chromium-browser"]}))).toMatchObject({path: "/usr/local/bin/chromium-browser", source: "system"});
    expect(planBrowser(machine({files: ["/usr/bin/google-chrome"]}))).toMatchObject({path: "/usr/bin/google-chrome"});
  });
  it("finds /usr/bin/chromium when PATH is empty", () => {
    expect(planBrowser(machine({env: {}, files: ["/usr/bin/chromium"]}))).toMatchObject({kind: "found", path: "/usr/bin/chromium"});
  });
  it("finds Chrome's app bundle on macOS", () => {
    const chrome = "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome";
    expect(planBrowser(machine({platform: "darwin", osRelease: null, files: [chrome]}))).toMatchObject({path: chrome, source: "system"});
  });
  it("falls back to the newest Chromium in Playwright's cache", () => {
    const cache = "/home/u/.cache/ms-playwright";
    const plan = planBrowser(machine({
      dirs: {[cache]: ["chromium-1134", "chromium-1187", "ffmpeg-1011"]},
      files: [`${cache}/chromium-1134/chrome-linux/chrome`, `${cache}/chromium-1187/chrome-linux/chrome`]
    }));
    expect(plan).toEqual({kind: "found", path: `${cache}/chromium-1187/chrome-linux/chrome`, source: "Playwright's browser cache"});
  });
  it("reads Playwright's cache from PLAYWRIGHT_BROWSERS_PATH when set", () => {
    const plan = planBrowser(machine({env: {PLAYWRIGHT_BROWSERS_PATH: "/pw"}, dirs: {"/pw": ["chromium_headless_shell-1187"]}, files: ["/pw/chromium_headless_shell-1187/chrome-linux/headless_shell"]}));
    expect(plan).toMatchObject({path: "/pw/chromium_headless_shell-1187/chrome-linux/headless_shell"});
  });
});

describe("when no browser exists", () => {
  it("installs Debian's chromium with apt-get (update first) as root on Debian", () => {
    expect(planBrowser(machine({root: true}))).toEqual({
      kind: "install",
      commands: [["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]],
      shown: "apt-get update && apt-get install -y chromium"
    });
  });
  it("installs through passwordless sudo on Ubuntu", () => {
    const plan = planBrowser(machine({osRelease: UBUNTU, passwordlessSudo: () => true}));
    expect(plan).toMatchObject({kind: "install", commands: [["sudo", "-n", "apt-get", "update", "-q"], ["sudo", "-n", "apt-get", "install", "-y", "-q", "chromium"]]});
  });
  it("names the exact apt command when it may not install", () => {
    expect(planBrowser(machine())).toEqual({
      kind: "fail",
      message: "No Chromium found for the browser tests: run `sudo apt-get update && sudo apt-get install -y chromium` (or set CHROMIUM_PATH to a Chromium or Chrome executable), then npm test again"
    });
  });
  it("asks for a browser on a system that is not Debian-like, without trying to install", () => {
    expect(planBrowser(machine({root: true, osRelease: `ID=fedora\n`}))).toMatchObject({kind: "fail", message: expect.stringContaining("install Chromium or Chrome with your package manager")});
    expect(planBrowser(machine({platform: "darwin", root: true, osRelease: null}))).toMatchObject({kind: "fail", message: expect.stringContaining("/Applications")});
  });
  it("recognizes Debian and its derivatives from /etc/os-release", () => {
    expect([debianLike(DEBIAN), debianLike(UBUNTU), debianLike(`ID=linuxmint\nID_LIKE="ubuntu debian"\n`), debianLike(`ID=arch\n`), debianLike(null)]).toEqual([true, true, true, false, false]);
  });
});
