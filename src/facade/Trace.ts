/**
 * `@Trace(name?, options?)`: traces every call of a method, for TypeScript 5 standard
 * decorators and for `experimentalDecorators` alike.
 *
 * @since 0.1.0
 */
import { type Attributes, context, SpanKind } from "@opentelemetry/api"
import { CODE_FUNCTION_NAME } from "../semconv.js"
import { ensureTracing, facadeTracer } from "./runtime.js"
import { inSpanActive } from "./spanScope.js"

export interface TraceOptions {
  readonly kind?: SpanKind | undefined
  readonly attributes?: Attributes | undefined
}

type Method = (this: unknown, ...args: Array<any>) => unknown

/** Both decorator protocols: `(value, context)` (TC39) and `(target, key, descriptor)` (legacy). */
export interface MethodDecorator {
  <This, Args extends Array<any>, R>(
    value: (this: This, ...args: Args) => R,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>
  ): (this: This, ...args: Args) => R
  (target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor
}

const traced = (method: Method, methodName: string, name: string | undefined, options: TraceOptions): Method =>
  function(this: unknown, ...args: Array<any>) {
    ensureTracing()
    const owner = typeof this === "function" ? this.name : (this as object | undefined)?.constructor?.name
    const qualified = owner === undefined ? methodName : `${owner}.${methodName}`
    const parent = context.active()
    const spanOptions = { kind: options.kind ?? SpanKind.INTERNAL, attributes: { [CODE_FUNCTION_NAME]: qualified, ...options.attributes } }
    return inSpanActive(facadeTracer, name ?? qualified, spanOptions, parent, () => method.apply(this, args))
  }

/**
 * Wraps the method in a span; sync and async methods alike end their span when they return or
 * settle, and failures are recorded and rethrown. The default name `Class.method` uses the
 * class's runtime name, which minifiers rename: pass a name where that matters.
 *
 * @example
 * ```ts
 * class MyService {
 *   @Trace("MyService.processData")
 *   async processData(input: string): Promise<string> {
 *     return transform(input)
 *   }
 * }
 * ```
 */
export const Trace = (name?: string, options: TraceOptions = {}): MethodDecorator =>
  function(this: unknown, ...args: Array<any>): any {
    if (args.length === 2 && typeof args[1] === "object" && args[1] !== null && "kind" in args[1]) {
      const [method, decoratorContext] = args as [Method, ClassMethodDecoratorContext]
      if (decoratorContext.kind !== "method") {
        throw new TypeError(`@Trace decorates methods, not a ${decoratorContext.kind}`)
      }
      return traced(method, String(decoratorContext.name), name, options)
    }
    const [, propertyKey, descriptor] = args as [object, string | symbol, PropertyDescriptor]
    if (typeof descriptor?.value !== "function") {
      throw new TypeError(`@Trace decorates methods; ${String(propertyKey)} is not one`)
    }
    return { ...descriptor, value: traced(descriptor.value, String(propertyKey), name, options) }
  } as MethodDecorator
