/** A past day's rows for the replay of the grid, the strip and the wall (issue 25). */
export { loadReplayDay, LOOKBACK_HOURS, type LoadedDay, type ReplayDeps } from './day';
export { replayRequest, type ReplayRequest } from './request';
export { dayBreaches, type BreachDeps } from './breaches';
