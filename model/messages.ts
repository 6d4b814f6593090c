/** What crosses a link between two components: a packet (`packets.ts`) or a control message between a
 *  datapath and its controller (`flows.ts`). */
import type { ControlMessage } from './flows.ts';
import type { Packet } from './packets.ts';

export type Message = Packet | ControlMessage;
