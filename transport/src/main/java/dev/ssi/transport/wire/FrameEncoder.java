package dev.ssi.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/** Frames to bytes; refuses to send a frame the peer would reject as too long. */
@ChannelHandler.Sharable
public final class FrameEncoder extends MessageToMessageEncoder<Frame> {
    private final int maxFrameLength;

    public FrameEncoder(int maxFrameLength) {
        super(Frame.class);
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
        if (frame instanceof Frame.StreamBlock block) {
            block.retain();
        }
        ByteBuf bytes = FrameCodec.encode(frame, ctx.alloc());
        int length = bytes.readableBytes() - FrameCodec.LENGTH_FIELD_SIZE;
        if (length > maxFrameLength) {
            bytes.release();
            throw new EncoderException("frame of " + length + " bytes exceeds the limit of " + maxFrameLength);
        }
        out.add(bytes);
    }
}
