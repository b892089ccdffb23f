import type { MetaFunction } from "@remix-run/node";
import { ComingSoon } from "~/components/coming-soon";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "home.makeComplaint");

export default function Page() {
  return <ComingSoon titleKey="home.makeComplaint" bodyKey="home.makeComplaintBody" />;
}
