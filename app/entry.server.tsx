import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { createInstance, type i18n } from "i18next";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { i18nConfig, resources } from "./i18n";
import { StripNulBytes } from "./utils/html-stream.server";
import { detectLocale } from "./utils/i18n.server";
import { NonceContext } from "./utils/nonce";

const ABORT_DELAY = 5_000;

/**
 * One initialised i18next instance per language, made on first use and shared by every request
 * in that language: the strings are bundled, the language is fixed per instance and nothing on
 * the server changes it (the language switch runs in an effect, which the server never runs).
 * Creating and initialising one per request was a tenth of a page's CPU time.
 */
const instances = new Map<string, Promise<i18n>>();
function i18nFor(lng: string): Promise<i18n> {
  let ready = instances.get(lng);
  if (!ready) {
    const instance = createInstance();
    ready = instance
      .use(initReactI18next)
      .init({ ...i18nConfig, lng, resources })
      .then(() => instance);
    instances.set(lng, ready);
  }
  return ready;
}

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce || undefined;
  const instance = await i18nFor(detectLocale(request));

  const botRequest = isbot(request.headers.get("user-agent") ?? "");
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce ?? ""}>
        <I18nextProvider i18n={instance}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
        </I18nextProvider>
      </NonceContext.Provider>,
      {
        nonce,
        [botRequest ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          // Not a plain PassThrough: React 18.3 pads some chunks with NUL bytes (see StripNulBytes).
          const body = new StripNulBytes();
          // Clear the abort timer when the stream ends: otherwise every request's React tree
          // lives for ABORT_DELAY (shared/performance.md lesson 1; react-router PR #13416).
          body.on("close", () => clearTimeout(timer));
          body.on("finish", () => clearTimeout(timer));
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(
            new Response(createReadableStreamFromReadable(body), {
              headers: responseHeaders,
              status: responseStatusCode,
            }),
          );
          pipe(body);
        },
        onShellError(error: unknown) {
          clearTimeout(timer);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(error);
        },
      },
    );
    const timer = setTimeout(abort, ABORT_DELAY);
  });
}
