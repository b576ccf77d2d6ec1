import { useEffect, useRef, useState } from 'react';
import { forecastResponse, type ForecastResponse } from '@ads/ads-client/forecast';
import { ApiProblem } from '../api/api-problem';
import type { ForecastAsk } from '../domain/forecast-request';
import { useSession } from '../session/session';

/** How long the form must stay unchanged before a forecast is asked for. */
export const FORECAST_DEBOUNCE_MS = 400;

export interface ForecastState {
  /** The answer to the latest request that settled (kept, dimmed, while the next one runs). */
  answer: ForecastResponse | null;
  /** The key of the request `answer` is for. */
  answeredKey: string | null;
  problem: ApiProblem | null;
  /** A request is waiting for the form to settle, or running. */
  loading: boolean;
}

/**
 * Asks `POST /api/v1/forecasts` for `ask` once it has not changed for FORECAST_DEBOUNCE_MS.
 * A newer ask cancels the pending timer and aborts the running request (AbortController), so
 * only the latest answer is ever shown. An ask that is not ready sends nothing.
 */
export function useForecast(ask: ForecastAsk): ForecastState {
  const { api } = useSession();
  const [state, setState] = useState<ForecastState>({ answer: null, answeredKey: null, problem: null, loading: false });
  const askRef = useRef(ask);
  askRef.current = ask;
  const key = ask.ready ? ask.key : null;

  useEffect(() => {
    const current = askRef.current;
    if (key === null || !current.ready) {
      setState((previous) => ({ ...previous, loading: false }));
      return;
    }
    const controller = new AbortController();
    setState((previous) => ({ ...previous, loading: true }));
    const timer = setTimeout(() => {
      api
        .request<unknown>('POST', '/forecasts', { body: current.request, signal: controller.signal })
        .then(({ data }) => {
          if (controller.signal.aborted) return;
          const parsed = forecastResponse.safeParse(data);
          if (!parsed.success) {
            setState((previous) => ({
              ...previous,
              loading: false,
              problem: new ApiProblem(0, 'CONTRACT', 'the API answered a forecast this page cannot read'),
            }));
            return;
          }
          setState({ answer: parsed.data, answeredKey: key, problem: null, loading: false });
        })
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          const problem = error instanceof ApiProblem ? error : new ApiProblem(0, 'CLIENT', (error as Error).message);
          setState((previous) => ({ ...previous, loading: false, problem }));
        });
    }, FORECAST_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key, api]);

  return state;
}
