import { type IncomingMessage, type RequestOptions, request as httpRequest } from 'node:http';

/** What a refusal looks like from outside: the HTTP status and the JSON body's `code`, if any. */
export interface StatusAndCode {
  status: number;
  code: string | undefined;
}

/**
 * Sends one request with exactly these options and headers (fetch would not send a foreign
 * Host, nor pick the local address) and answers its status and the JSON body's `code`.
 */
export function requestStatusAndCode(target: string | URL | undefined, options: RequestOptions, body?: string): Promise<StatusAndCode> {
  return new Promise((resolve, reject) => {
    const answer = (response: IncomingMessage) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, code: codeOf(text) }));
    };
    const sent = target === undefined ? httpRequest(options, answer) : httpRequest(target, options, answer);
    sent.on('error', reject);
    sent.end(body);
  });
}

function codeOf(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { code?: string }).code;
  } catch {
    // Not JSON (an HTML page, an empty body): no code to report.
    return undefined;
  }
}
