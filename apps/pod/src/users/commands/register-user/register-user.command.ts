import { Command } from '@nestjs/cqrs';

/** A visitor signs up: a 'user' account (the controller has checked that the pod takes sign-ups). */
export class RegisterUserCommand extends Command<void> {
  constructor(
    readonly username: string,
    readonly password: string,
  ) {
    super();
  }
}
