// The views of the app, in navigation order. Routing is plain state: the shell
// shows one view at a time.

export const ROUTES = [
  { id: 'models', label: 'Models' },
  { id: 'datasets', label: 'Datasets' },
  { id: 'evaluations', label: 'Evaluations' },
  { id: 'monitoring', label: 'Monitoring' },
  { id: 'feedback', label: 'Feedback' },
  { id: 'audit', label: 'Audit' },
  { id: 'settings', label: 'Settings' },
] as const;

export type RouteId = (typeof ROUTES)[number]['id'];

export const DEFAULT_ROUTE: RouteId = 'models';
