import {noteText, type DetailRow} from '../engine/details.js';

/** One image of the stack being pulled. */
export interface ImageData {
	image: string;
	state: 'pulling' | 'pulled' | 'up-to-date' | 'failed';
	note?: string;
}

/** One service of the stack as the rollout sees it. */
export interface ServiceData {
	service: string;
	state: string;
	health?: 'starting' | 'healthy' | 'unhealthy';
	note?: string;
}

export function imageRow(data: ImageData): DetailRow<ImageData> {
	return {kind: 'image', key: `image:${data.image}`, data, line: `image ${data.image}: ${data.state}${noteText(data.note)}`};
}

export function serviceRow(data: ServiceData): DetailRow<ServiceData> {
	return {kind: 'service', key: `service:${data.service}`, data, line: `service ${data.service}: ${data.state}${data.health ? ` (${data.health})` : ''}${noteText(data.note)}`};
}
