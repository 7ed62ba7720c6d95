/**
 * Reading what an application hands back (a result, an error, a chunk) for a span, when that
 * value may not be readable: a proxy or a getter that throws. The value stays the caller's,
 * untouched; the span goes without what could not be read.
 *
 * @since 0.1.0
 */

/**
 * What `read` makes of a value, or `otherwise` when reading it throws (`onUnreadable` hears
 * why). Out of stack (`RangeError`) is rethrown: the facade's stack-limit recovery needs it.
 *
 * @example
 * ```ts
 * readable(() => response.usage.prompt_tokens, undefined)
 * ```
 */
export const readable = <A>(read: () => A, otherwise: A, onUnreadable?: (error: unknown) => void): A => {
  try {
    return read()
  } catch (error) {
    if (error instanceof RangeError) throw error
    onUnreadable?.(error)
    return otherwise
  }
}
