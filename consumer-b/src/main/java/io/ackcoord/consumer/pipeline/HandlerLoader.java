package io.ackcoord.consumer.pipeline;

import io.ackcoord.config.ConfigException;
import io.ackcoord.consumer.BlockingMessageHandler;
import io.ackcoord.consumer.ConsumerOptions;
import io.ackcoord.consumer.MessageHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@code handler.class} into a handler instance. {@link #check} is the config rule (the class exists,
 * implements one of the handler interfaces and can be constructed), so a typo fails validation with the key and the
 * value instead of surfacing later as a reflection error.
 */
public final class HandlerLoader {

  /** Where the default handler lived before B's packages were split; configurations may still name it. */
  static final String FORMER_DEFAULT = "io.ackcoord.consumer.ResultTopicHandler";

  private static final Logger LOG = LoggerFactory.getLogger(HandlerLoader.class);

  private HandlerLoader() {
  }

  /** The class {@code name} stands for: itself, or the default handler under its current name. */
  static String resolve(String name) {
    return FORMER_DEFAULT.equals(name) ? ConsumerOptions.DEFAULT_HANDLER_CLASS : name;
  }

  /** Config rule for {@code handler.class}: a description of what is wrong, or {@code null}. */
  public static String check(Object value) {
    String name = resolve((String) value);
    Class<?> type;
    try {
      type = Class.forName(name, false, classLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return "must name a class on the classpath (" + e + ")";
    }
    if (!MessageHandler.class.isAssignableFrom(type) && !BlockingMessageHandler.class.isAssignableFrom(type)) {
      return "must implement " + MessageHandler.class.getName() + " or " + BlockingMessageHandler.class.getName();
    }
    if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
      return "must be a concrete class";
    }
    if (!Modifier.isPublic(type.getModifiers())) {
      return "must be a public class";
    }
    try {
      type.getConstructor();
      return null;
    } catch (NoSuchMethodException e) {
      return "must have a public no-argument constructor";
    }
  }

  /**
   * Instantiates the named handler; a {@link BlockingMessageHandler} comes back wrapped so that it runs on worker
   * threads.
   *
   * @throws ConfigException naming {@code handler.class} and the value when the class cannot be used
   */
  public static MessageHandler load(String className) {
    String violation = check(className);
    if (violation != null) {
      throw ConfigException.invalid(ConsumerOptions.HANDLER_CLASS, className, violation);
    }
    String name = resolve(className);
    if (!name.equals(className)) {
      LOG.warn("{} = {}: that class is now {}; using it", ConsumerOptions.HANDLER_CLASS, className, name);
    }
    Object instance;
    try {
      instance = Class.forName(name, true, classLoader()).getConstructor().newInstance();
    } catch (InvocationTargetException e) {
      throw ConfigException.invalid(ConsumerOptions.HANDLER_CLASS, className,
          "constructor threw " + e.getCause());
    } catch (ReflectiveOperationException | LinkageError e) {
      throw ConfigException.invalid(ConsumerOptions.HANDLER_CLASS, className, "cannot be instantiated: " + e);
    }
    return instance instanceof MessageHandler h ? h : new BlockingHandlerAdapter((BlockingMessageHandler) instance);
  }

  private static ClassLoader classLoader() {
    ClassLoader tccl = Thread.currentThread().getContextClassLoader();
    return tccl != null ? tccl : HandlerLoader.class.getClassLoader();
  }
}
