/** Version of this package, sent in `User-Agent`. A test keeps it equal to package.json's. */
export const VERSION = "0.1.0";

/** `User-Agent` of every request. */
export const USER_AGENT = `vercel-workers/${VERSION}`;
