/**
 * The AWS SDK commands hoist sends, in one module that the steps load when they first call AWS (see sdk.ts), so that
 * building the plan and drawing the first frame never wait for the SDK. Named re-exports: the bundle keeps only these
 * of the EC2 client's hundreds of commands.
 */
export {
	AllocateAddressCommand,
	AssociateAddressCommand,
	AuthorizeSecurityGroupIngressCommand,
	CreateSecurityGroupCommand,
	CreateSnapshotCommand,
	DeleteKeyPairCommand,
	DeleteSecurityGroupCommand,
	DescribeAddressesCommand,
	DescribeImagesCommand,
	DescribeInstanceTypeOfferingsCommand,
	DescribeInstanceTypesCommand,
	DescribeInstancesCommand,
	DescribeKeyPairsCommand,
	DescribeRegionsCommand,
	DescribeSecurityGroupsCommand,
	DescribeSnapshotsCommand,
	DescribeSubnetsCommand,
	DescribeVpcsCommand,
	DisassociateAddressCommand,
	ImportKeyPairCommand,
	ReleaseAddressCommand,
	RevokeSecurityGroupIngressCommand,
	RunInstancesCommand,
	StartInstancesCommand,
	TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
export {GetCallerIdentityCommand} from '@aws-sdk/client-sts';
