import { notFound } from "~/utils/http.server";

/** Any path we do not serve: a 404 page in the reader's language. */
export async function loader() {
  throw notFound();
}

export async function action() {
  throw notFound();
}

export default function NotFound() {
  return null;
}
