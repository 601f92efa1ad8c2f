import { Controller, type INestMicroservice, type Type } from '@nestjs/common';
import { EventPattern, MessagePattern, ServerKafka } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { kafkaMicroserviceOptions } from '../kafka-client/nest-kafka-options';
import { silentLogger } from '../logging/messaging-logger';
import { HandlerCoverageError, assertEveryTopicHasHandler, checkHandlerCoverage } from './handler-coverage';
import { KafkaTopicHandler } from './kafka-topic-handler.decorator';

const ENROLLMENT = 'carecircle.enrollment.v1';
const OUTCOMES = 'carecircle.outcomes.v1';

@Controller()
class EnrollmentConsumer {
  @KafkaTopicHandler(ENROLLMENT)
  async onEnrollment(): Promise<void> {
    // the body does not matter here: only the registration is checked
  }
}

@Controller()
class OutcomesConsumer {
  @KafkaTopicHandler(OUTCOMES)
  async onOutcomes(): Promise<void> {
    // registration only
  }
}

@Controller()
class SecondEnrollmentConsumer {
  @EventPattern(ENROLLMENT)
  async alsoOnEnrollment(): Promise<void> {
    // registration only
  }
}

@Controller()
class RequestResponseConsumer {
  @MessagePattern(OUTCOMES)
  async reply(): Promise<string> {
    return 'ok';
  }
}

/** Initialises the app (handlers are registered then; no broker is contacted) around a server we keep. */
async function initialisedApp(controllers: Type[]): Promise<{ app: INestMicroservice; server: ServerKafka }> {
  const server = new ServerKafka(
    kafkaMicroserviceOptions({
      clientId: 'coverage',
      brokers: ['127.0.0.1:1'],
      groupId: 'coverage',
      logger: silentLogger,
    }).options,
  );
  const moduleRef = await Test.createTestingModule({ controllers }).compile();
  const app = moduleRef.createNestMicroservice({ strategy: server, logger: false });
  await app.init();
  return { app, server };
}

describe('handler coverage of a Nest Kafka microservice', () => {
  const apps: INestMicroservice[] = [];
  const start = async (controllers: Type[]) => {
    const started = await initialisedApp(controllers);
    apps.push(started.app);
    return started;
  };

  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  it('passes for a service whose every declared subscription has exactly one event handler', async () => {
    const { app, server } = await start([EnrollmentConsumer, OutcomesConsumer]);
    expect(() => assertEveryTopicHasHandler(server, [ENROLLMENT, OUTCOMES])).not.toThrow();
    expect(() => assertEveryTopicHasHandler(app, [ENROLLMENT, OUTCOMES])).not.toThrow();
  });

  it('fails for a service that declares a subscription with no handler, naming the topic', async () => {
    const { server } = await start([EnrollmentConsumer]);
    expect(() => assertEveryTopicHasHandler(server, [ENROLLMENT, OUTCOMES])).toThrow(
      new HandlerCoverageError({ missing: [OUTCOMES], undeclared: [], duplicated: [], notEventHandlers: [] }),
    );
    expect(() => assertEveryTopicHasHandler(server, [ENROLLMENT, OUTCOMES])).toThrow(`no handler for ${OUTCOMES}`);
  });

  it('fails for two handlers of one topic, a handler of an undeclared topic and a request/response handler', async () => {
    const { server } = await start([EnrollmentConsumer, SecondEnrollmentConsumer, RequestResponseConsumer]);
    expect(checkHandlerCoverage(server, [ENROLLMENT])).toEqual({
      missing: [],
      undeclared: [OUTCOMES],
      duplicated: [ENROLLMENT],
      notEventHandlers: [OUTCOMES],
    });
  });
});
