import { createContext, useContext } from 'react';
import type { UiApi } from './ui-api.js';

export const ApiContext = createContext<UiApi | null>(null);

export function useApi(): UiApi {
  const api = useContext(ApiContext);
  if (api === null) throw new Error('useApi outside ApiContext');
  return api;
}
