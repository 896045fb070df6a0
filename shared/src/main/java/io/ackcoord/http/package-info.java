/**
 * What every HTTP request to A or B passes first, whatever the route: {@link io.ackcoord.http.BrowserGuard} keeps
 * web pages from using a browser on the operator's machine against the API.
 */
package io.ackcoord.http;
