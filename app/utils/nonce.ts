import { createContext, useContext } from "react";

/**
 * This response's CSP nonce, for the inline scripts Remix renders (`<Scripts>`,
 * `<ScrollRestoration>`). Provided by entry.server; in the browser it is "" (browsers hide nonces
 * from the page, and scripts added after load need none).
 */
export const NonceContext = createContext("");

export const useNonce = () => useContext(NonceContext);
