/** The bridge chosen at start, shared by every store. */
import { connect } from '../bridge';
import { useAppStore } from './app';

export const { bridge, transport } = connect((connected) => useAppStore.getState().setConnected(connected));
