import type {Filter, ResourceType, Tag, TagSpecification} from '@aws-sdk/client-ec2';

/** Every resource hoist creates carries this tag, so resume and destroy find it without the journal. */
export const stackTagKey = 'hoist:stack';

export function resourceName(stack: string): string {
	return `hoist-${stack}`;
}

export function stackTags(stack: string): Tag[] {
	return [
		{Key: stackTagKey, Value: stack},
		{Key: 'Name', Value: resourceName(stack)},
	];
}

export function tagSpecification(resourceType: ResourceType, stack: string): TagSpecification {
	return {ResourceType: resourceType, Tags: stackTags(stack)};
}

export function stackFilter(stack: string): Filter {
	return {Name: `tag:${stackTagKey}`, Values: [stack]};
}

export function hasStackTag(tags: Tag[] | undefined, stack: string): boolean {
	return (tags ?? []).some((tag) => tag.Key === stackTagKey && tag.Value === stack);
}
