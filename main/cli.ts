// Placeholder replaced by the CLI work below.
console.log('venice-batch');
