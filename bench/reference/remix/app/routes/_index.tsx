import { json, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

export const meta: MetaFunction = () => [{ title: "Bare Remix page" }];

export async function loader() {
  return json({
    title: "How was our service today?",
    questions: ["Overall", "Courtesy", "Waiting time", "Clarity"],
    at: new Date().toISOString(),
  });
}

export default function Index() {
  const data = useLoaderData<typeof loader>();
  return (
    <main>
      <h1>{data.title}</h1>
      <form method="post" action="/submit">
        {data.questions.map((q) => (
          <fieldset key={q}>
            <legend>{q}</legend>
            {[1, 2, 3, 4, 5].map((n) => (
              <label key={n}>
                <input type="radio" name={q} value={n} /> {n}
              </label>
            ))}
          </fieldset>
        ))}
        <button type="submit">Send</button>
      </form>
      <p>{data.at}</p>
    </main>
  );
}
