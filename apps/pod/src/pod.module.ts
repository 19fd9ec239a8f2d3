import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ListEventsHandler } from './audit/queries/list-events/list-events.handler.js';
import { ListEventsHttpController } from './audit/queries/list-events/list-events.http.controller.js';
import { InboxHttpController } from './federation/inbox/inbox.http.controller.js';
import { FederationEventsHttpController } from './federation/outbox/federation-events.http.controller.js';
import { OutboxHttpController } from './federation/outbox/outbox.http.controller.js';
import { PodsHttpController } from './pods/pods.http.controller.js';
import { VotesHttpController } from './pods/commands/vote/votes.http.controller.js';
import { ExpelledPodGuard } from './federation/expelled-pod.guard.js';
import { DiscoveryHttpController } from './federation/discovery/discovery.http.controller.js';
import { VideoObjectHttpController } from './federation/videos/video-object.http.controller.js';
import { IssueTokenHttpController } from './users/commands/issue-token/issue-token.http.controller.js';
import { RegisterUserHttpController } from './users/commands/register-user/register-user.http.controller.js';
import { CreateUserHttpController } from './users/commands/create-user/create-user.http.controller.js';
import { RevokeTokenHttpController } from './users/commands/revoke-token/revoke-token.http.controller.js';
import { DeleteUserHttpController } from './users/commands/delete-user/delete-user.http.controller.js';
import { GetMeHttpController } from './users/queries/get-me/get-me.http.controller.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { MetricsHttpController } from './metrics/metrics.http.controller.js';
import { IceServersHttpController } from './p2p/ice-servers.http.controller.js';
import { POD_RUNTIME } from './pod-runtime.token.js';
import type { PodRuntime } from './pod-runtime.js';
import { ConfigHttpController } from './pods/queries/config.http.controller.js';
import { ChangeVideoHttpController } from './videos/commands/change-video/change-video.http.controller.js';
import { UploadVideoHttpController } from './videos/commands/upload-video/upload-video.http.controller.js';
import { VideosHttpController } from './videos/queries/videos.http.controller.js';

@Module({})
export class PodModule {
  static forRuntime(runtime: PodRuntime): DynamicModule {
    return {
      module: PodModule,
      imports: [CqrsModule.forRoot()],
      controllers: [
        UploadVideoHttpController,
        VideosHttpController,
        ChangeVideoHttpController,
        IssueTokenHttpController,
        RegisterUserHttpController,
        CreateUserHttpController,
        RevokeTokenHttpController,
        DeleteUserHttpController,
        GetMeHttpController,
        PodsHttpController,
        VotesHttpController,
        InboxHttpController,
        OutboxHttpController,
        FederationEventsHttpController,
        ConfigHttpController,
        DiscoveryHttpController,
        VideoObjectHttpController,
        ListEventsHttpController,
        MetricsHttpController,
        IceServersHttpController,
      ],
      providers: [
        { provide: POD_RUNTIME, useValue: runtime },
        ListEventsHandler,
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        // Signed requests of expelled pods: 403 pod-expelled on every route.
        { provide: APP_GUARD, useClass: ExpelledPodGuard },
      ],
    };
  }
}
