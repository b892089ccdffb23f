import http from "node:http";

/** A real 1×1 PNG. */
export const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII=",
  "base64",
);

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP exchange with a server started by startServer, from a given local address: every
 * 127.x.y.z is this machine on Linux, so each citizen can be a different address (the public
 * forms are rate-limited per address).
 */
export function sendFrom(
  baseUrl: string,
  localAddress: string,
  method: string,
  pathname: string,
  headers: Record<string, string> = {},
  body?: Buffer,
): Promise<Reply> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: Number(url.port),
        localAddress,
        method,
        path: pathname,
        headers: { Host: url.host, ...headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * A citizen lodges a complaint as a browser does: the form first (it sets the CSRF cookie), then
 * a multipart post with the token, the fields and one PNG attachment, with our Origin.
 */
export async function lodgeComplaint(
  baseUrl: string,
  localAddress: string,
  complaint: { departmentId: number; serviceId: number; n: number },
): Promise<Reply> {
  const page = await sendFrom(baseUrl, localAddress, "GET", "/complaints/new");
  const cookie = String(page.headers["set-cookie"]?.find((c) => c.startsWith("pledge_csrf=")) ?? "").split(
    ";",
  )[0]!;
  const { n } = complaint;
  const fields: Record<string, string> = {
    csrf: cookie.slice("pledge_csrf=".length),
    department: String(complaint.departmentId),
    service: String(complaint.serviceId),
    whatHappened: `Complaint ${n}: I queued for three hours at the Kowloon office and was sent home.`,
    desiredOutcome: "An explanation and an appointment.",
    name: `Citizen ${n}`,
    email: `citizen${n}@example.com`,
    phone: "",
    consent: "yes",
    website: "",
  };
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append("attachment", new File([PNG], `photo-${n}.png`, { type: "image/png" }));
  const encoded = new Request("http://localhost/", { method: "POST", body: form });
  const body = Buffer.from(await encoded.arrayBuffer());
  return sendFrom(
    baseUrl,
    localAddress,
    "POST",
    "/complaints/new",
    {
      Origin: baseUrl,
      Cookie: cookie,
      "Content-Type": encoded.headers.get("content-type")!,
      "Content-Length": String(body.length),
    },
    body,
  );
}
