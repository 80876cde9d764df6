export { OutboxDispatcher, backoffMs, type DeliverySettings } from './dispatcher.js';
