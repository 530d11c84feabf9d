/**
 * Helpers the object-store backends share: the key prefix under a bucket, failure messages, and the
 * bounded, parallel part upload behind the S3 and Azure Blob writers. Not for callers outside
 * {@code dev.lifeboat.activities.storage}.
 */
package dev.lifeboat.activities.storage.internal;
